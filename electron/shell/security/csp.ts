/**
 * The Content-Security-Policy sent with every response of the app:// protocol. The renderer is
 * a bundled React app: its own scripts and styles only, no eval, no inline script, no network
 * (it reaches the backend through the preload bridge, not fetch), no frames, no plugins.
 */
export interface CspOptions {
  /** Extra sources for images and media, e.g. `blob:` for attachments shown before upload. */
  mediaSources?: readonly string[];
}

export function buildCsp(options: CspOptions = {}): string {
  const media = ["'self'", 'data:', 'blob:', ...(options.mediaSources ?? [])];
  const directives: Record<string, readonly string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': media,
    'media-src': media,
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'worker-src': ["'self'"],
    'manifest-src': ["'none'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'child-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${[...new Set(sources)].join(' ')}`)
    .join('; ');
}

/** Headers every app:// response carries, found or not. */
export function securityHeaders(csp: string): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy':
      'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=(), payment=()',
    'Cache-Control': 'no-store',
  };
  // An assignment, the form electronegativity's CSP check recognises.
  headers['Content-Security-Policy'] = csp;
  return headers;
}
