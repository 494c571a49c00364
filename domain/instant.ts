import { z } from 'zod';

/** ISO-8601 instants with an explicit offset (Z or ±hh:mm), as every instant in the domain. */
export const IsoInstantSchema = z.iso.datetime({ offset: true });

/** Milliseconds since the epoch of an ISO-8601 instant, or null when it is not one. */
export function parseInstant(value: string): number | null {
  return IsoInstantSchema.safeParse(value).success ? Date.parse(value) : null;
}
