/**
 * Versions every request carries (as headers) and the oldest ones the central service accepts.
 * Bump PROTOCOL_VERSION on any wire change; raise MIN_PROTOCOL_VERSION only when the server
 * can no longer serve older clients (they then get "upgrade required").
 */
/**
 * 2: device sessions (session.ts) and least data per device (unit, device and directory scopes;
 * sign-in records leave the facility scope). A version 1 device would only see its residents'
 * records tombstoned and could sign no one in, so it is told to upgrade instead.
 */
export const PROTOCOL_VERSION = 2;
export const MIN_PROTOCOL_VERSION = 2;

/** Request headers (lower case, as Node and Fastify expose them). */
export const HEADERS = {
  protocol: 'x-homeline-protocol',
  app: 'x-homeline-app',
  schema: 'x-homeline-schema',
  device: 'x-homeline-device',
  counter: 'x-homeline-counter',
  signature: 'x-homeline-signature',
  session: 'x-homeline-session',
  mac: 'x-homeline-mac',
  bodySha256: 'x-homeline-body-sha256',
} as const;

/** Semantic version "major.minor.patch" of the app, compared numerically. */
export function compareAppVersions(a: string, b: string): number {
  const parse = (version: string) => version.split('.').map((part) => Number.parseInt(part, 10));
  const left = parse(a);
  const right = parse(b);
  for (let i = 0; i < 3; i += 1) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
