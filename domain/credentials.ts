import { z } from 'zod';

/**
 * Formats of what people type or scan to log in (docs/rules.md "People and places"). Each schema
 * trims; DOC numbers and states are upper-cased so "fl" + "s123456" finds FL + S123456.
 */

/** Two capital letters, e.g. FL. */
export const StateCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'state must be two letters');

/** Alphanumeric, 1 to 12 characters, e.g. S123456. */
export const DocNumberSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{1,12}$/, 'DOC number must be 1-12 letters or digits');

/** 4 to 8 digits. */
export const PinSchema = z.string().regex(/^[0-9]{4,8}$/, 'PIN must be 4-8 digits');

/** What a badge or wristband scanner reads. */
export const BadgeTokenSchema = z
  .string()
  .trim()
  .regex(/^[A-Z0-9-]{6,32}$/, 'badge token must be 6-32 capital letters, digits or dashes');

export const ResidentRefSchema = z.object({ state: StateCodeSchema, docNumber: DocNumberSchema });

/** A resident's login: DOC number + PIN, or badge + PIN. */
export const ResidentLoginSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('doc'), resident: ResidentRefSchema, pin: PinSchema }),
  z.object({ method: z.literal('badge'), badgeToken: BadgeTokenSchema, pin: PinSchema }),
]);
export type ResidentLogin = z.infer<typeof ResidentLoginSchema>;
