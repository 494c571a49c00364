import { z } from 'zod';
import { DEVICE_PROFILES, visibleLineSchema } from '../../domain';
import { IdSchema, InstantSchema, SemverSchema, TabletSerialSchema } from './common';

/**
 * Enrollment: facility IT creates a one-time code for a facility and device profile; the device
 * generates an Ed25519 key pair, keeps the private key, and trades the code plus its public key
 * for an identity. Every later request is signed (see auth.ts).
 */

/** Raw 32-byte Ed25519 public key, base64url without padding. */
const PublicKeySchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'raw Ed25519 key, base64url');

/** Enrollment codes: 12 characters from an alphabet without look-alikes, grouped 4-4-4. */
export const ENROLL_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const EnrollCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z2-9]{4}-?[A-Z2-9]{4}-?[A-Z2-9]{4}$/, 'a code like ABCD-EFGH-JKMN')
  .transform((code) => code.replaceAll('-', ''));

export const EnrollRequestSchema = z.object({
  code: EnrollCodeSchema,
  publicKey: PublicKeySchema,
  appVersion: SemverSchema,
  /** Free text for facility IT, e.g. "Unit B kiosk 2". */
  label: visibleLineSchema(0, 100).default(''),
  /** A tablet's serial: it may read only the resident assigned to this serial. */
  serial: TabletSerialSchema.optional(),
});
export type EnrollRequest = z.input<typeof EnrollRequestSchema>;

export const EnrollResponseSchema = z.object({
  deviceId: IdSchema,
  facilityId: IdSchema,
  profile: z.enum(DEVICE_PROFILES),
  epoch: z.string(),
  serverTime: InstantSchema,
  /** The key the service signs pull pages with; the device pins it (raw Ed25519, base64url). */
  servicePublicKey: PublicKeySchema,
  /** A housing-unit kiosk's unit: it holds the credentials of that unit's residents only. */
  housingUnitId: IdSchema.nullable().default(null),
});
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

/**
 * Admin API: create an enrollment code. A housing-unit kiosk's code names its unit (the kiosk
 * serves that unit's residents only); lobby kiosks and tablets have none.
 */
export const CreateEnrollCodeRequestSchema = z
  .object({
    facilityId: IdSchema,
    profile: z.enum(DEVICE_PROFILES),
    housingUnitId: IdSchema.optional(),
    /** Hours the code stays valid. */
    validHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(72),
  })
  .refine((input) => (input.profile === 'kiosk') === (input.housingUnitId !== undefined), {
    message: 'a kiosk code names its housing unit; lobby and tablet codes name none',
    path: ['housingUnitId'],
  });
export const CreateEnrollCodeResponseSchema = z.object({
  code: z.string(),
  facilityId: IdSchema,
  profile: z.enum(DEVICE_PROFILES),
  housingUnitId: IdSchema.nullable(),
  expiresAt: InstantSchema,
});
export type CreateEnrollCodeResponse = z.infer<typeof CreateEnrollCodeResponseSchema>;

/** GET /v1/device: who the server thinks the signing device is. */
export const DeviceInfoSchema = z.object({
  deviceId: IdSchema,
  facilityId: IdSchema,
  profile: z.enum(DEVICE_PROFILES),
  highWaterMark: z.number().int().nonnegative(),
  epoch: z.string(),
  /** The service's page-signing key (a device enrolled before pages were signed pins it). */
  servicePublicKey: PublicKeySchema,
});
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;
