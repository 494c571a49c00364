import { z } from 'zod';

/**
 * Shared field schemas. Ids, instants, money, counts and what people type are the domain's one
 * definition (domain/formats.ts), the same the device's contract checks.
 */
export {
  IdSchema,
  UuidSchema,
  InstantSchema,
  CentsSchema,
  StampCountSchema,
  StateCodeSchema as StateSchema,
  DocNumberSchema,
  TabletSerialSchema,
} from '../../domain';
export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex sha256');
export const SemverSchema = z.string().regex(/^\d+\.\d+\.\d+$/, 'major.minor.patch');
