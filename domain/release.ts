import { z } from 'zod';
import {
  DocNumberSchema,
  PersonNameSchema,
  PhoneSchema,
  PostalAddressSchema,
  StateCodeSchema,
  TabletSerialSchema,
} from './formats';
import { checkTransition, type TransitionTable } from './state-machine';
import type { ReleaseStatus } from './types';

/**
 * docs/rules.md "Tablets: Release and unlock": after release the person mails the tablet to the
 * warehouse with the printed form; the request moves requested -> received -> unlocked ->
 * shipped_back, one step at a time.
 */
const RELEASE_TRANSITIONS: TransitionTable<ReleaseStatus> = {
  requested: ['received'],
  received: ['unlocked'],
  unlocked: ['shipped_back'],
  shipped_back: [],
};

export function transitionRelease(from: ReleaseStatus, to: ReleaseStatus) {
  return checkTransition(RELEASE_TRANSITIONS, 'release request', from, to);
}

/** What the resident fills in on the release/unlock form. */
export const ReleaseRequestFieldsSchema = z.object({
  tabletSerial: TabletSerialSchema,
  firstName: PersonNameSchema,
  lastName: PersonNameSchema,
  phone: PhoneSchema,
  returnAddress: PostalAddressSchema,
});

/**
 * Everything the printed form carries (docs/rules.md lists each field): the resident's fields,
 * their identity, and the agency's mailing address, which comes from the facility's settings
 * (never typed by the resident).
 */
export const ReleaseFormSchema = ReleaseRequestFieldsSchema.extend({
  agencyAddress: PostalAddressSchema,
  state: StateCodeSchema,
  docNumber: DocNumberSchema,
});
