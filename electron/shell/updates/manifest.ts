import { verify, type KeyObject } from 'node:crypto';
import semver from 'semver';
import { z } from 'zod';

/**
 * Checks an update manifest before electron-updater may download anything:
 * electron-updater 6 trusts the manifest as served, so the release managers sign
 * {version, stagingPercentage, files[url, sha512, size]} with an Ed25519 key the update server
 * never holds (sync/server/updates/publish.ts), and the device checks it here.
 */

const SignedFileSchema = z
  .object({ url: z.string().min(1), sha512: z.string().min(1), size: z.number().int().positive() })
  .strict();

const SignedReleaseSchema = z
  .object({
    version: z.string().refine((v) => semver.valid(v) === v),
    stagingPercentage: z.number().int().min(0).max(100),
    files: z.array(SignedFileSchema).min(1),
    /** The channel it was signed for: a beta manifest served on stable is refused. */
    channel: z.string(),
    /** Raised by every publish, rollout change and halt on the channel (anti-replay). */
    sequence: z.number().int().positive(),
    expiresAt: z.iso.datetime(),
  })
  .strict();

const SignatureSchema = z.object({ payload: z.string(), signature: z.string().min(1) }).strict();

/** Manifest fields that would steer the download but are not covered by the signature. */
const UNSIGNED_DOWNLOAD_FIELDS = ['path', 'sha512', 'sha2', 'packages'] as const;

/**
 * `stale` is a genuine release that is not newer than the installed one (e.g. the feed fell back
 * after a halt): normal, not an attack. `rejected` is a manifest that fails a check: alert.
 */
export type ManifestVerdict =
  | { ok: true; version: string; sequence: number }
  | { ok: false; kind: 'stale'; reason: string; sequence: number }
  | { ok: false; kind: 'rejected'; reason: string };

export interface ManifestCheck {
  publicKey: KeyObject;
  /** The feed's base URL; every download must be on its scheme and host. */
  feedUrl: string;
  currentVersion: string;
  /** The channel this device follows. */
  channel: string;
  /** The highest sequence this device accepted on that channel: anything older is a replay. */
  highestSequence: number;
  now: Date;
}

const refuse = (reason: string): ManifestVerdict => ({ ok: false, kind: 'rejected', reason });

function sameFile(served: unknown, signed: z.infer<typeof SignedFileSchema>): boolean {
  if (typeof served !== 'object' || served === null) return false;
  const keys = Object.keys(served).sort();
  if (keys.join() !== 'sha512,size,url') return false;
  const file = served as Record<string, unknown>;
  return file.url === signed.url && file.sha512 === signed.sha512 && file.size === signed.size;
}

export function checkReleaseManifest(info: unknown, check: ManifestCheck): ManifestVerdict {
  if (typeof info !== 'object' || info === null) return refuse('manifest is not an object');
  const manifest = info as Record<string, unknown>;
  const signature = SignatureSchema.safeParse(manifest.homelineSignature);
  if (!signature.success) return refuse('manifest is not signed');
  const { payload } = signature.data;
  const signatureBytes = Buffer.from(signature.data.signature, 'base64');
  if (!verify(null, Buffer.from(payload, 'utf8'), check.publicKey, signatureBytes)) {
    return refuse('signature does not verify');
  }

  let decoded: unknown;
  try {
    decoded = JSON.parse(payload);
  } catch {
    return refuse('signed payload is not JSON');
  }
  const signed = SignedReleaseSchema.safeParse(decoded);
  if (!signed.success) return refuse('signed payload has the wrong shape');
  const release = signed.data;
  if (release.channel !== check.channel)
    return refuse(`signed for channel ${release.channel}, not ${check.channel}`);
  if (release.sequence < check.highestSequence)
    return refuse(
      `replayed: sequence ${release.sequence} is older than ${check.highestSequence} already seen`,
    );
  if (Date.parse(release.expiresAt) <= check.now.getTime())
    return refuse(`expired at ${release.expiresAt}`);

  if (manifest.version !== release.version) return refuse('version differs from the signed one');
  if (manifest.stagingPercentage !== release.stagingPercentage) {
    return refuse('stagingPercentage differs from the signed one');
  }
  const files = manifest.files;
  if (
    !Array.isArray(files) ||
    files.length !== release.files.length ||
    // the lengths are equal (checked just above)
    !files.every((file, index) => sameFile(file, release.files[index]!))
  ) {
    return refuse('files differ from the signed ones');
  }
  const unsigned = UNSIGNED_DOWNLOAD_FIELDS.filter((field) => field in manifest);
  if (unsigned.length > 0) return refuse(`unsigned download fields: ${unsigned.join(', ')}`);

  const feed = new URL(check.feedUrl);
  for (const file of release.files) {
    let url: URL;
    try {
      url = new URL(file.url, feed.href.endsWith('/') ? feed.href : `${feed.href}/`);
    } catch {
      return refuse(`file URL does not parse: ${file.url}`);
    }
    if (url.protocol !== feed.protocol || url.host !== feed.host) {
      return refuse(`file URL is not on the update host: ${url.href}`);
    }
  }

  if (!semver.gt(release.version, check.currentVersion)) {
    return {
      ok: false,
      kind: 'stale',
      reason: `version ${release.version} is not newer than ${check.currentVersion}`,
      sequence: release.sequence,
    };
  }
  return { ok: true, version: release.version, sequence: release.sequence };
}

/** Staged rollout must be a whole percentage; anything else means "not this device" (fail closed). */
export function isValidStagingPercentage(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100;
}
