import { InstantSchema } from './formats';

/** Milliseconds since the epoch of an ISO-8601 UTC instant, or null when it is not one. */
export function parseInstant(value: string): number | null {
  return InstantSchema.safeParse(value).success ? Date.parse(value) : null;
}
