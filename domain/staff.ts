/**
 * Staff roles. A staff member holds one or more roles, each for the facilities they are assigned;
 * every staff route names the roles that may call it.
 * - reviewer: reviews mail (approve, reject with a reason, escalate) and sees its attachments;
 * - agent: answers support tickets and tracks release/unlock requests;
 * - supervisor: decides escalations and appeals, unlocks accounts, manages residents and housing
 *   units, reads the facility's audit trail;
 * - finance: enters money orders and MoneyGram, handles chargebacks, reconciles kiosk cash boxes;
 * - it_admin: enrolls and revokes devices, publishes updates, manages staff accounts.
 */
export const STAFF_ROLES = ['reviewer', 'agent', 'supervisor', 'finance', 'it_admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
