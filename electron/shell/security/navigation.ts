import { isAppUrl } from '../origin';

/**
 * Navigation policy: the window may only move within the app's own origin. Everything else
 * (links, redirects, drag-and-drop of files, window.open) is refused.
 */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** `webContents.setWindowOpenHandler` answer: no new windows, ever. */
export function denyWindowOpen(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Requests the window's session may make at all (webRequest filter, behind the CSP): the app's
 * own protocol and in-memory data; devtools only in development.
 */
export function isAllowedRequest(url: string, development: boolean): boolean {
  if (isAppUrl(url)) return true;
  const scheme = url.slice(0, url.indexOf(':') + 1);
  if (scheme === 'data:' || scheme === 'blob:') return true;
  return development && scheme === 'devtools:';
}
