/**
 * Canonical encoding and sha256 for page checksums and request signing. Pure code plus Web
 * Crypto (globalThis.crypto.subtle, present in Node 20, browsers and Electron), no Node
 * built-ins, so devices of any kind compute the same bytes.
 */

/**
 * JSON with object keys sorted at every depth and no whitespace; `undefined` members are
 * dropped as JSON.stringify does. Two equal values always give the same string.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const encoded = JSON.stringify(value);
    if (encoded === undefined) throw new TypeError(`cannot encode ${typeof value}`);
    return encoded;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

const encoder = new TextEncoder();

/** Lower-case hex sha256 of a string (UTF-8) or bytes. */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
