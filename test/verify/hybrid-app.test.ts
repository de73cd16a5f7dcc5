import { verifiesExercise } from '../support/verify';

verifiesExercise('hybrid-app');
