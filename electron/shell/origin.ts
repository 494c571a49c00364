/**
 * The renderer is served from `app://homeline/` (see security/protocol.ts). Node's URL gives
 * non-special schemes an opaque origin ("null"), so origins are compared by scheme and host.
 */
export const APP_SCHEME = 'app';
const APP_HOST = 'homeline';
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True when `url` parses and belongs to the app's own origin. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
