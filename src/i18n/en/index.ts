import { core } from './core';
import { help } from './help';
import { teacher } from './teacher';
import { trace } from './trace';
import { traceView } from './trace-view';
import { tutorial } from './tutorial';

/**
 * The English catalog: one file per area of the tool, merged here. A translation is a catalog with
 * the same keys (see ../messages.ts); a missing key falls back to English.
 */
export const en = { ...core, ...tutorial, ...teacher, ...help, ...traceView, ...trace } as const;

export type MessageKey = keyof typeof en;
