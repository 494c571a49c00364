import { createHash } from 'node:crypto';
import { canonicalJson, type Scope } from '../protocol';

/**
 * Pages as JSON text, built from the canonical JSON the `changes` table stores (changes.ts), so
 * a pull never parses and re-encodes what it sends: the page's checksum input
 * (`pageChecksumInput`, keys sorted at every depth) is assembled from the stored strings, and
 * the page sent is that same text with `hasMore` and `checksum` added. A device parses the page
 * and recomputes the checksum with `pageChecksum`; the bytes agree because canonical JSON parsed
 * and encoded again is the same text (page-json.test.ts).
 */

export interface StoredChange {
  entity: string;
  id: string;
  op: 'upsert' | 'delete';
  /** Canonical JSON of the entity data; null for a tombstone. */
  data: string | null;
  position: number;
}

/** One change as canonical JSON: its keys (data, entity, id, op, position) in sorted order. */
function changeJson(change: StoredChange): string {
  const rest = `"entity":${JSON.stringify(change.entity)},"id":${JSON.stringify(change.id)},"op":${JSON.stringify(change.op)},"position":${change.position}`;
  return change.op === 'delete' ? `{${rest}}` : `{"data":${change.data ?? 'null'},${rest}}`;
}

/** The exact text `pageChecksumInput` gives for this page: canonical { changes, cursor, scope }. */
export function pageChecksumText(scope: Scope, changes: StoredChange[], cursor: string): string {
  return `{"changes":[${changes.map(changeJson).join(',')}],"cursor":${JSON.stringify(cursor)},"scope":${canonicalJson(scope)}}`;
}

/**
 * A page of the pull response as JSON text, with its checksum and the service's signature over it
 * (`sign` is given the checksum; page-signing.ts).
 */
export async function pageJson(
  scope: Scope,
  changes: StoredChange[],
  cursor: string,
  hasMore: boolean,
  sign: (checksum: string) => Promise<string>,
): Promise<string> {
  const checksumText = pageChecksumText(scope, changes, cursor);
  const checksum = createHash('sha256').update(checksumText).digest('hex');
  const signature = await sign(checksum);
  return `${checksumText.slice(0, -1)},"hasMore":${hasMore},"checksum":"${checksum}","signature":"${signature}"}`;
}
