import { verifiesExercise } from '../support/verify';

verifiesExercise('send-vs-emit');
