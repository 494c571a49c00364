import { z } from 'zod';
import { ServiceError } from '../errors';

/** Keyset cursors travel as opaque base64url JSON of the last row's sort key. */
const KeysetSchema = z.object({ at: z.string().max(40), id: z.string().max(64) }).strict();
export type Keyset = z.infer<typeof KeysetSchema>;

function encodeCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify(keyset)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    return KeysetSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new ServiceError('invalid_input', 'this page cursor is not one the backend handed out', {
      field: 'before',
    });
  }
}

/**
 * Cuts a page from rows fetched with `limit + 1`: the extra row only tells that more exist, so
 * the last page never hands out a cursor to an empty one.
 */
export function keysetPage<T>(
  rows: T[],
  limit: number,
  keyset: (row: T) => Keyset,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor(keyset(last)) : null,
  };
}
