import { verifiesExercise } from '../support/verify';

// TCP only (gateway and bookings service): no broker resources to leave behind.
verifiesExercise('rpc-exceptions');
