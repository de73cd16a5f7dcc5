import { Injectable, PipeTransform } from '@nestjs/common';

/** Trims strings, and the string fields of a plain object: '  Buy milk ' becomes 'Buy milk'. */
@Injectable()
export class TrimPipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (typeof value === 'string') return value.trim();
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const trimmed: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(value)) trimmed[key] = typeof field === 'string' ? field.trim() : field;
      return trimmed;
    }
    return value;
  }
}
