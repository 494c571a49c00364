import { z } from 'zod';
import {
  BadgeTokenSchema,
  CentsSchema,
  DocNumberSchema,
  IdSchema,
  InstantSchema,
  PersonNameSchema,
  PinSchema,
  StampCountSchema,
  StateCodeSchema,
  TabletSerialSchema,
} from '../../domain/formats';

/**
 * Field formats shared by many methods: the domain's own definitions (domain/formats.ts), the
 * same ones the sync protocol and the central service check, so the device never accepts a value
 * the service would refuse. Bounds are part of the security boundary.
 */

export const id = IdSchema;
export const isoInstant = InstantSchema;
export const cents = CentsSchema;
export const stampCount = StampCountSchema;
export const stateCode = StateCodeSchema;
export const docNumber = DocNumberSchema;
export const pin = PinSchema;
export const badgeToken = BadgeTokenSchema;
export const tabletSerial = TabletSerialSchema;
export const personName = PersonNameSchema;

/** Free text with a hard upper bound; the backend refuses anything longer. */
export function text(max: number) {
  return z.string().max(max);
}

/** An opaque keyset-paging cursor handed out by the backend. */
export const pageCursor = z.string().min(1).max(200);
export const pageLimit = z.number().int().min(1).max(100).default(50);

export const empty = z.object({}).strict();
