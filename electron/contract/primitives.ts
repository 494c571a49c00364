import { z } from 'zod';

/** Field formats shared by many methods. Bounds are part of the security boundary. */

export const id = z.string().min(1).max(64);
export const isoInstant = z.iso.datetime({ offset: true });
export const cents = z.number().int().min(0).max(10_000_000);
export const stampCount = z.number().int().min(0).max(100_000);

/** Two capital letters, e.g. FL. */
export const stateCode = z.string().regex(/^[A-Z]{2}$/, 'a two-letter state code');
/** DOC number, letters and digits, e.g. S123456. */
export const docNumber = z.string().regex(/^[A-Za-z0-9]{1,12}$/, 'letters and digits, at most 12');
export const pin = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');
export const badgeToken = z.string().regex(/^[A-Z0-9-]{6,32}$/, 'a badge token');
export const tabletSerial = z.string().regex(/^[A-Za-z0-9-]{4,32}$/, 'a tablet serial number');
export const phone = z.string().regex(/^\+?[0-9 ()-]{7,20}$/, 'a telephone number');
export const personName = z.string().trim().min(1).max(80);

/** Free text with a hard upper bound; the backend refuses anything longer. */
export function text(max: number) {
  return z.string().max(max);
}

/** An opaque keyset-paging cursor handed out by the backend. */
export const pageCursor = z.string().min(1).max(200);
export const pageLimit = z.number().int().min(1).max(100).default(50);

export const empty = z.object({}).strict();
