import { checksAtOnceLeaveNothing } from '../support/mqtt';
import { verifiesExercise } from '../support/verify';

verifiesExercise('mqtt');
// Each check's topics start with its SITE, `site-<run id>` (exercise.json); the aggregator's
// persistent session is `<SITE>-aggregator` (topics.ts). Only this file runs the mqtt exercise.
checksAtOnceLeaveNothing('mqtt', /^site-[0-9a-f]{8}$/, (site) => [`${site}-aggregator`]);
