import { checksAtOnceLeaveNothingInRedis } from '../support/redis';
import { verifiesExercise } from '../support/verify';

verifiesExercise('redis-events');
// Its keys and channels start with SHOP, `shop-<run id>` (exercise.json). Only this file runs redis-events.
checksAtOnceLeaveNothingInRedis('redis-events', 'shop-*', /^shop-[0-9a-f]{8}[:.]/);
