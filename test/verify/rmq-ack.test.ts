import { verifiesExercise } from '../support/verify';

verifiesExercise('rmq-ack');
