import { z } from 'zod';

/** Shared field schemas: ids, instants, money and counts (docs/rules.md conventions). */

export const IdSchema = z.string().min(1).max(128);
export const UuidSchema = z.uuid();
/** ISO-8601 UTC instant, e.g. 2026-01-31T12:00:00.000Z. */
export const InstantSchema = z.iso.datetime();
export const CentsSchema = z.number().int().nonnegative().max(100_000_000);
export const StampCountSchema = z.number().int().nonnegative().max(1_000_000);
export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex sha256');
/** Resident identity formats come from the domain (what people type on the kiosk). */
export { StateCodeSchema as StateSchema, DocNumberSchema } from '../../domain';
export const SemverSchema = z.string().regex(/^\d+\.\d+\.\d+$/, 'major.minor.patch');
