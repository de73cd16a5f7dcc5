import { expect, test } from 'vitest';
import { redisKeys } from '../support/redis';
import { checkTwoSolvedAndAStarterAtOnce, verifiesExercise } from '../support/verify';
import { waitFor } from '../support/wait';

verifiesExercise('resilience');

/** The Redis keys the exercise's checks write under their unique prefix (PAYMENTS_KEY_PREFIX, "payments-<run>"). */
const paymentKeys = async () => (await redisKeys('payments-*')).sort();

test('two solved checks and a starter at once do not interfere, and leave no key behind in Redis', async () => {
  const before = await paymentKeys();
  await checkTwoSolvedAndAStarterAtOnce('resilience');

  const left = async () => (await paymentKeys()).filter((k) => !before.includes(k));
  await waitFor(async () => (await left()).length === 0, 15_000, 500);
  expect(await left()).toEqual([]);
}, 300_000);
