import { z } from 'zod';
import {
  CentsSchema,
  IdSchema,
  InstantSchema,
  PhoneSchema,
  PostalAddressSchema,
  StateCodeSchema,
} from './formats';
import { visibleLineSchema } from './text';
import { DEPOSIT_CHANNELS, FACILITY_SERVICES, LOCALES, STAMP_FEATURES } from './types';

/**
 * A facility's configuration (docs/rules.md: Facility, Stamps, Money, Promotions). It travels from
 * the central service to devices and is validated wherever it is read.
 */

const localizedText = z.object({ en: z.string().min(1), es: z.string().min(1) });

const StampBundleSchema = z.object({
  id: IdSchema,
  stamps: z.number().int().positive(),
  priceCents: CentsSchema,
});
export type StampBundle = z.infer<typeof StampBundleSchema>;

/** A fee band: amounts from minCents up to and including maxCents pay flat + percent. */
const FeeBandSchema = z.object({
  channel: z.enum(DEPOSIT_CHANNELS),
  minCents: CentsSchema,
  maxCents: CentsSchema,
  flatCents: CentsSchema,
  /** Percentage part in basis points (1/100 of a percent). */
  percentBasisPoints: z.number().int().min(0).max(10_000).default(0),
});
export type FeeBand = z.infer<typeof FeeBandSchema>;

const PromotionSchema = z.object({
  id: IdSchema,
  kind: z.enum(['discount', 'sweepstakes']),
  title: localizedText,
  description: localizedText,
  startsAt: InstantSchema,
  endsAt: InstantSchema,
  /** Discount on stamp bundles, in basis points; absent for sweepstakes. */
  discountBasisPoints: z.number().int().min(1).max(10_000).optional(),
  /** Bundles the discount applies to; absent means every bundle. */
  bundleIds: z.array(z.string()).optional(),
});
export type Promotion = z.infer<typeof PromotionSchema>;

export const FacilityConfigSchema = z.object({
  id: IdSchema,
  name: visibleLineSchema(1, 200),
  /** Two-letter state of the agency, e.g. FL. */
  state: StateCodeSchema,
  timezone: z.string().min(1),
  agencyAddress: PostalAddressSchema,
  /** The help line printed on receipts, e.g. +1 800 555 0199 (absent: none printed). */
  supportPhone: PhoneSchema.optional(),
  services: z.array(z.enum(FACILITY_SERVICES)),
  stampCosts: z.record(z.enum(STAMP_FEATURES), z.number().int().nonnegative()),
  stampBundles: z.array(StampBundleSchema).min(1),
  feeSchedule: z.array(FeeBandSchema),
  promotions: z.array(PromotionSchema),
  /** Whether customers may attach prepaid reply stamps to their emails here. */
  prepaidReplyStamps: z.boolean(),
  /** Extra moderation words and patterns on top of the shipped lists. */
  moderation: z.object({
    extraWords: z.array(z.string().min(1)).default([]),
    extraPatterns: z.array(z.string().min(1)).default([]),
  }),
  /** The language every screen starts in, and returns to after each person (logout, idle). */
  defaultLocale: z.enum(LOCALES).default('en'),
  /** Minutes of inactivity before a kiosk session ends. */
  kioskIdleMinutes: z.number().int().min(1).max(60).default(3),
});
export type FacilityConfig = z.infer<typeof FacilityConfigSchema>;
