import type { MessageKey } from '../en/index';
import { core } from './core';
import { help } from './help';
import { teacher } from './teacher';
import { trace } from './trace';
import { traceView } from './trace-view';
import { tutorial } from './tutorial';

/** The Ukrainian catalog: the same keys as the English one, checked by the compiler and by test/unit/i18n-complete.test.ts. */
export const uk: Record<MessageKey, string> = { ...core, ...tutorial, ...teacher, ...help, ...traceView, ...trace };
