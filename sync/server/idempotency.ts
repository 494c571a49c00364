import { createHash } from 'node:crypto';
import { canonicalJson } from '../protocol';
import { HttpError } from './http/errors';
import { Rejection } from './rejection';
import { prepared, typed } from './storage/typed';
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

const storedKey = prepared((db, p: { key: string }) =>
  db
    .selectFrom('idempotency')
    .select(['actor', 'params_hash', 'status', 'response'])
    .where('key', '=', p.key),
);

const storeAnswer = prepared(
  (
    db,
    p: {
      key: string;
      actor: string;
      paramsHash: string;
      status: number;
      response: string;
      at: string;
    },
  ) =>
    db.insertInto('idempotency').values({
      key: p.key,
      actor: p.actor,
      params_hash: p.paramsHash,
      status: p.status,
      response: p.response,
      created_at: p.at,
    }),
);

function paramsHashOf(params: unknown): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex');
}

/**
 * The answer already stored for `key`, or null. Holds the key's lock until the transaction ends,
 * so two requests with one new key at once serialize: the second then finds the first's answer.
 */
export async function storedAnswer(
  work: Work,
  key: string,
  actor: string,
  params: unknown,
): Promise<StoredAnswer | null> {
  await work.tx.lockKey(`idempotency:${key}`);
  const stored = await typed(work.tx).first(storedKey, { key });
  if (!stored) return null;
  if (stored.actor !== actor || stored.params_hash !== paramsHashOf(params)) {
    throw new HttpError(409, 'conflict', `key ${key} was already used with other parameters`);
  }
  return { status: stored.status, body: JSON.parse(stored.response) };
}

/** How the HTTP APIs answer a business refusal. */
export function rejectionAnswer(error: Rejection): StoredAnswer {
  const failed = error.code === 'not_found' ? 404 : error.code === 'forbidden' ? 403 : 422;
  return { status: failed, body: { error: { code: error.code, message: error.reason } } };
}

export async function idempotent(
  work: Work,
  key: string,
  actor: string,
  params: unknown,
  status: number,
  fn: () => Promise<unknown>,
): Promise<StoredAnswer> {
  const stored = await storedAnswer(work, key, actor, params);
  if (stored) return stored;
  let answer: StoredAnswer;
  try {
    answer = { status, body: await inSavepoint(work, fn) };
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    answer = rejectionAnswer(error);
  }
  await typed(work.tx).run(storeAnswer, {
    key,
    actor,
    paramsHash: paramsHashOf(params),
    status: answer.status,
    response: JSON.stringify(answer.body),
    at: work.now,
  });
  return answer;
}
