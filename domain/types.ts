/**
 * Core vocabulary of docs/rules.md shared by the device, the central service and the renderer.
 * Money is integer cents, stamps are integer counts, instants are ISO-8601 strings in UTC.
 */

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** Device profiles: housing-unit kiosk, lobby kiosk (customers), resident tablet. */
export const DEVICE_PROFILES = ['kiosk', 'lobby', 'tablet'] as const;
export type DeviceProfile = (typeof DEVICE_PROFILES)[number];

/** Features that cost stamps when a message is sent. */
export const STAMP_FEATURES = ['email', 'photo', 'ecard', 'snapnsend', 'videogram'] as const;
export type StampFeature = (typeof STAMP_FEATURES)[number];

/** Services a facility may offer (the menu varies by location). */
export const FACILITY_SERVICES = [...STAMP_FEATURES, 'money', 'video_visit'] as const;
export type FacilityService = (typeof FACILITY_SERVICES)[number];

/**
 * A message's life. `draft` and `queued` exist only on a device (queued = written offline,
 * waiting in the outbox); the rest follow docs/rules.md's timeline.
 */
export const MESSAGE_STATUSES = [
  'draft',
  'queued',
  'sent',
  'in_review',
  'released',
  'rejected',
  'delivered',
  'read',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Who wrote a message: a resident to a customer, or a customer to a resident. */
export const MESSAGE_DIRECTIONS = ['outbound', 'inbound'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const DEPOSIT_CHANNELS = [
  'bank_card',
  'money_order',
  'moneygram',
  'kiosk_cash',
  'kiosk_card',
] as const;
export type DepositChannel = (typeof DEPOSIT_CHANNELS)[number];

export const CARD_BRANDS = ['visa', 'mastercard'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export const CARD_FUNDING = ['debit', 'credit', 'prepaid', 'unknown'] as const;
export type CardFunding = (typeof CARD_FUNDING)[number];

export const TICKET_CATEGORIES = [
  'charging',
  'sync',
  'screen',
  'audio',
  'login',
  'stamps',
  'mail',
  'media',
  'other',
] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export const TICKET_STATUSES = ['queued', 'open', 'answered', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const RELEASE_STATUSES = ['requested', 'received', 'unlocked', 'shipped_back'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** Staff review decisions and their reason codes. */
export const REVIEW_DECISIONS = ['approve', 'reject', 'escalate'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const REJECT_REASONS = [
  'threat',
  'profanity',
  'nudity',
  'gang_sign',
  'tattoo',
  'contraband',
  'security_risk',
  'other',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * Why a device's last sync failed, in the terms the sync client acts on and the service screen
 * explains (sync/client/errors.ts describes each).
 */
export const SYNC_PROBLEMS = [
  'offline',
  'transient',
  'too_large',
  'epoch_changed',
  'upgrade_required',
  'unauthorized',
  'device_revoked',
  'not_enrolled',
  'rejected_request',
  'local_store',
  'page_signature_invalid',
  'insecure_url',
] as const;
export type SyncProblem = (typeof SYNC_PROBLEMS)[number];

export function isSyncProblem(value: string | null): value is SyncProblem {
  return value !== null && (SYNC_PROBLEMS as readonly string[]).includes(value);
}
