import { checksAtOnceLeaveNothing, takeTurnsWithRabbitMQ } from '../support/rabbit';
import { verifiesExercise } from '../support/verify';

takeTurnsWithRabbitMQ();
verifiesExercise('rmq-dead-letter');
// The queues its checks declare: `<prefix>-<run id>` (exercise.json). Only this file runs rmq-dead-letter.
checksAtOnceLeaveNothing('rmq-dead-letter', /^(dl-users|dl-users-dead|dl-audit)-[0-9a-f]{8}$/);
