import { REJECT_REASONS } from '../domain/types';

export type ReasonKey = (typeof REJECT_REASONS)[number] | 'insufficient_stamps';

const KNOWN: readonly string[] = [...REJECT_REASONS, 'insufficient_stamps'];

/** Reason codes from review or a refused send, as i18n keys; unknown codes read as "other". */
export function reasonKey(code: string | null): ReasonKey {
  return code && KNOWN.includes(code) ? (code as ReasonKey) : 'other';
}
