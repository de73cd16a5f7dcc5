import { verifiesExercise } from '../support/verify';

verifiesExercise('tcp-basics');
