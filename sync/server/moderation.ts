import { createModerator, type FacilityConfig, type Moderator } from '../../domain';

/**
 * Text flags for the review queue, from the domain's moderator (shipped word lists plus the
 * facility's extras). Moderators are built once per facility configuration.
 */

const moderators = new WeakMap<FacilityConfig, Moderator>();

export interface ReviewFlag {
  reason: string;
  match: string;
}

export function flagText(facility: FacilityConfig, text: string): ReviewFlag[] {
  let moderator = moderators.get(facility);
  if (!moderator) {
    // saveFacility refuses configurations whose patterns do not compile.
    const built = createModerator(facility.moderation);
    if (!built.ok) throw new Error(built.error.message);
    moderator = built.value;
    moderators.set(facility, moderator);
  }
  return moderator.flag(text).map((flag) => ({ reason: flag.reason, match: flag.matched }));
}
