import { KEYED_METHODS } from '../../contract';

/**
 * Test clients call like a screen opened for each call: an action that changes data gets a fresh
 * idempotency key unless the test gives its own (the idempotency tests send one key twice).
 */
export function withActionKey(method: string, input: unknown): unknown {
  const keyed = (KEYED_METHODS as readonly string[]).includes(method);
  if (!keyed || typeof input !== 'object' || input === null || 'idempotencyKey' in input) {
    return input;
  }
  return { ...input, idempotencyKey: crypto.randomUUID() };
}
