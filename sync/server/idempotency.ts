import { createHash } from 'node:crypto';
import { canonicalJson } from '../protocol';
import { HttpError } from './http/errors';
import { Rejection } from './rejection';
import { inSavepoint, type Work } from './work';

/**
 * Idempotency keys for the customer and staff APIs, the way payment processors do it: the first
 * result for a key is stored, failures included, and returned again on retry; the same key with
 * different parameters is refused (409) instead of silently returning someone else's result.
 */

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export async function idempotent(
  work: Work,
  key: string,
  actor: string,
  params: unknown,
  status: number,
  fn: () => Promise<unknown>,
): Promise<StoredAnswer> {
  const paramsHash = createHash('sha256').update(canonicalJson(params)).digest('hex');
  // Two requests with one new key at once: the second waits, then finds the first's answer.
  await work.tx.lockKey(`idempotency:${key}`);
  const stored = await work.tx.get<{
    actor: string;
    params_hash: string;
    status: number;
    response: string;
  }>('SELECT actor, params_hash, status, response FROM idempotency WHERE key = ?', [key]);
  if (stored) {
    if (stored.actor !== actor || stored.params_hash !== paramsHash) {
      throw new HttpError(409, 'conflict', `key ${key} was already used with other parameters`);
    }
    return { status: stored.status, body: JSON.parse(stored.response) };
  }
  let answer: StoredAnswer;
  try {
    answer = { status, body: await inSavepoint(work, fn) };
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    const failed = error.code === 'not_found' ? 404 : error.code === 'forbidden' ? 403 : 422;
    answer = { status: failed, body: { error: { code: error.code, message: error.reason } } };
  }
  await work.tx.run(
    'INSERT INTO idempotency (key, actor, params_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [key, actor, paramsHash, answer.status, JSON.stringify(answer.body), work.now],
  );
  return answer;
}
