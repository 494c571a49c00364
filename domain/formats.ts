import { z } from 'zod';
import { visibleLineSchema, visibleText } from './text';

/**
 * The one definition of every field format the device, the wire protocol and the central service
 * check (docs/domain.md "Field formats"). The contract, the protocol and the service build their
 * schemas from these, so a value the kiosk accepts is a value the service accepts: a second,
 * looser copy on one side is how a device once took a phone number the service refused for good.
 * Each schema trims where people type; DOC numbers and states are upper-cased, so "fl" +
 * "s123456" finds FL + S123456.
 */

/** An id of ours or the service's (UUIDs, "facility-1", "<uuid>:card_sender"); at most 64. */
export const IdSchema = z.string().min(1).max(64);
/**
 * What a ledger entry points at: an id, or an id and the item within it (a refund's
 * `<messageId>:<attachment sha256>` is 101 characters), so longer than an id.
 */
export const LedgerReferenceSchema = z.string().min(1).max(160);
/** Ids a device creates for what it writes (messages, deposits ...): retries reuse them. */
export const UuidSchema = z.uuid();
/** An ISO-8601 instant in UTC, e.g. 2026-01-31T12:00:00.000Z (stored and compared as text). */
export const InstantSchema = z.iso.datetime();
/** Money in integer cents, up to $1,000,000. */
export const CentsSchema = z.number().int().min(0).max(100_000_000);
/** A count of stamps. */
export const StampCountSchema = z.number().int().min(0).max(1_000_000);

/** Two letters, e.g. FL. */
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

/** A tablet's serial number as printed on it. */
export const TabletSerialSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{4,32}$/, 'tablet serial must be 4-32 letters, digits or dashes');

/** Digits with optional +, spaces, dashes, dots and parentheses; 7 to 15 digits. */
export const PhoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{7,25}$/, 'telephone may hold digits, spaces, + - . ( ) only')
  .refine((phone) => /^(?:\D*\d){7,15}\D*$/.test(phone), 'telephone needs 7-15 digits');

/** A first or last name: one visible line. */
export const PersonNameSchema = visibleLineSchema(1, 80);

/** A mailing address: a few visible lines, invisible characters removed, trimmed. */
export const PostalAddressSchema = z
  .string()
  .max(1200)
  .transform((address) => visibleText(address).trim())
  .pipe(z.string().min(5, 'address is too short').max(300));
