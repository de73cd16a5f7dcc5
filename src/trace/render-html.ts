/** A recorded trace as one self-contained HTML page (first version: a placeholder while the diagram is drawn). */
import type { Trace } from './model';

const html = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderTraceHtml(trace: Trace, options: { lang?: 'en' | 'uk' } = {}): string {
  return `<!doctype html><html lang="${options.lang ?? 'en'}"><meta charset="utf-8"><title>${html(trace.exercise)}</title><pre>${html(JSON.stringify(trace, null, 2))}</pre></html>\n`;
}
