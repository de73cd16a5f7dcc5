import { verifiesExercise } from '../support/verify';

verifiesExercise('grpc-streams');
