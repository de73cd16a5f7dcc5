import { checksAtOnceLeaveNothing } from '../support/nats';
import { verifiesExercise } from '../support/verify';

verifiesExercise('nats');
// The subject root of a check: `ship-<run id>` (exercise.json); every subject of the exercise starts with it.
checksAtOnceLeaveNothing('nats', /^ship-[0-9a-f]{8}$/, (root) => [`${root}.quote.de`, `${root}.events.probe.left`]);
