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
