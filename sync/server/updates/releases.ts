import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { z } from 'zod';

/**
 * The releases folder the update feed serves (docs/shell.md):
 *
 *   <releases>/<channel>/<platform>/<version>/manifest.json   written by publishRelease
 *   <releases>/<channel>/<platform>/<version>/<artifact>      the installers it lists
 *   <releases>/<channel>/<platform>/<version>/halted          present = release halted
 *   <releases>/<channel>/<platform>/sequence                  last signed sequence number
 *
 * platform is the suffix electron-updater asks for: linux, linux-arm64, win, mac.
 */

export const CHANNEL_PATTERN = /^[a-z0-9]{1,32}$/;
export const PLATFORMS = ['linux', 'linux-arm64', 'win', 'mac'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const ARTIFACT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const MANIFEST_FILE = 'manifest.json';
export const HALTED_FILE = 'halted';

const ReleaseFileSchema = z
  .object({
    url: z.string().min(1).max(500),
    sha512: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 sha512'),
    size: z.number().int().positive(),
  })
  .strict();
export type ReleaseFile = z.infer<typeof ReleaseFileSchema>;

/**
 * What the admin's offline key signs: the fields that decide what a device installs, and what
 * makes an old manifest useless to replay: the channel it is for, a sequence number that every
 * publish, rollout change and halt on that channel raises, and an expiry.
 */
export interface SignedRelease {
  version: string;
  stagingPercentage: number;
  files: ReleaseFile[];
  channel: string;
  sequence: number;
  expiresAt: string;
}

export const SEQUENCE_FILE = 'sequence';

/** The stored manifest: the latest-*.yml fields plus the app-level signature. */
export const StoredManifestSchema = z
  .object({
    version: z.string().refine((v) => semver.valid(v) === v, 'a semantic version'),
    stagingPercentage: z.number().int().min(0).max(100),
    files: z.array(ReleaseFileSchema).min(1),
    releaseDate: z.iso.datetime(),
    homelineSignature: z.object({ payload: z.string(), signature: z.string() }).strict(),
  })
  .strict();
export type StoredManifest = z.infer<typeof StoredManifestSchema>;

export function artifactUrl(
  channel: string,
  platform: Platform,
  version: string,
  name: string,
): string {
  return ['files', channel, platform, version, name].map(encodeURIComponent).join('/');
}

export function toPublicKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : key;
}

/**
 * True when the signature verifies and the signed payload names the same version, rollout and
 * files as the manifest. The feed refuses to serve anything else (a misconfiguration or a
 * tampered folder); devices check again themselves (electron/shell/updates).
 */
export function manifestMatchesSignature(
  manifest: StoredManifest,
  publicKey: KeyObject,
  channel: string,
): boolean {
  const { payload, signature } = manifest.homelineSignature;
  if (!verify(null, Buffer.from(payload, 'utf8'), publicKey, Buffer.from(signature, 'base64'))) {
    return false;
  }
  let signed: Partial<SignedRelease>;
  try {
    signed = JSON.parse(payload) as Partial<SignedRelease>;
  } catch {
    return false;
  }
  const decides = (release: Partial<SignedRelease>) =>
    JSON.stringify([release.version, release.stagingPercentage, release.files]);
  return signed.channel === channel && decides(signed) === decides(manifest);
}

interface ReleaseEntry {
  version: string;
  dir: string;
  manifest: StoredManifest;
  halted: boolean;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export type ReadRelease =
  { ok: true; release: ReleaseEntry } | { ok: false; version: string; reason: string };

export async function readRelease(
  releasesDir: string,
  channel: string,
  platform: Platform,
  version: string,
  publicKey: KeyObject,
): Promise<ReadRelease> {
  const dir = join(releasesDir, channel, platform, version);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    return { ok: false, version, reason: `manifest unreadable: ${(error as Error).message}` };
  }
  const parsed = StoredManifestSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, version, reason: 'manifest has the wrong shape' };
  if (parsed.data.version !== version) {
    return { ok: false, version, reason: 'manifest version differs from its folder' };
  }
  if (!manifestMatchesSignature(parsed.data, publicKey, channel)) {
    return { ok: false, version, reason: 'signature does not match the manifest' };
  }
  return {
    ok: true,
    release: { version, dir, manifest: parsed.data, halted: await exists(join(dir, HALTED_FILE)) },
  };
}

/** Every release of a channel and platform, newest first; broken ones reported, not served. */
export async function listReleases(
  releasesDir: string,
  channel: string,
  platform: Platform,
  publicKey: KeyObject,
): Promise<ReadRelease[]> {
  let versions: string[];
  try {
    versions = await readdir(join(releasesDir, channel, platform));
  } catch {
    return [];
  }
  const valid = versions.filter((v) => semver.valid(v) === v).sort(semver.rcompare);
  return Promise.all(valid.map((v) => readRelease(releasesDir, channel, platform, v, publicKey)));
}
