import { describe, expect, test } from 'vitest';
import { closestId } from '../../src/catalog/closest-id';

const ids = ['tcp-basics', 'send-vs-emit', 'hybrid-app', 'rmq-ack', 'grpc-streams'];

describe('closestId', () => {
  test('a typo finds the intended id', () => {
    expect(closestId('tcp-basic', ids)).toBe('tcp-basics');
    expect(closestId('rmq-akc', ids)).toBe('rmq-ack');
  });
  test('a fragment finds the id containing it', () => {
    expect(closestId('grpc', ids)).toBe('grpc-streams');
  });
  test('nonsense suggests nothing', () => {
    expect(closestId('kubernetes-operators', ids)).toBeUndefined();
  });
});
