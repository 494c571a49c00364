import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import {
  ARTIFACT_NAME_PATTERN,
  CHANNEL_PATTERN,
  HALTED_FILE,
  MANIFEST_FILE,
  PLATFORMS,
  SEQUENCE_FILE,
  listReleases,
  StoredManifestSchema,
  artifactUrl,
  type Platform,
  type ReleaseFile,
  type SignedRelease,
  type StoredManifest,
} from './releases';

/**
 * Admin functions for the update feed, run by release managers on a machine that holds the
 * Ed25519 private key. The central service only ever gets the public key.
 */

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

export interface ReleaseTarget {
  releasesDir: string;
  channel: string;
  platform: string;
  version: string;
}

function checkTarget(target: ReleaseTarget): asserts target is ReleaseTarget & {
  platform: Platform;
} {
  if (!CHANNEL_PATTERN.test(target.channel)) {
    throw new PublishError(`channel "${target.channel}": lowercase letters and digits, at most 32`);
  }
  if (!(PLATFORMS as readonly string[]).includes(target.platform)) {
    throw new PublishError(`platform "${target.platform}": one of ${PLATFORMS.join(', ')}`);
  }
  if (semver.valid(target.version) !== target.version) {
    throw new PublishError(`version "${target.version}": not a semantic version like 1.4.2`);
  }
}

function checkStaging(stagingPercentage: number): void {
  if (!Number.isInteger(stagingPercentage) || stagingPercentage < 0 || stagingPercentage > 100) {
    throw new PublishError(`staging percentage ${stagingPercentage}: a whole number 0..100`);
  }
}

function releaseDir(target: ReleaseTarget): string {
  return join(target.releasesDir, target.channel, target.platform, target.version);
}

async function sha512Of(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

export function generateSigningKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function signingKey(key: KeyObject | string): KeyObject {
  const privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new PublishError('the signing key must be an Ed25519 private key');
  }
  return privateKey;
}

/** How long a signed manifest is good for unless the release managers say otherwise. */
const DEFAULT_VALID_DAYS = 30;

/** What every signing step takes: the key, the clock and how long the manifest stays valid. */
export interface Signing {
  privateKey: KeyObject | string;
  now?: () => Date;
  /** Days until devices refuse this manifest (re-sign with `rollout` before then). */
  validDays?: number;
}

/**
 * Raises the channel's sequence number (one file per channel and platform) and returns it: every
 * manifest signed afterwards outranks every manifest signed before, so an old one is a replay.
 */
async function nextSequence(target: ReleaseTarget): Promise<number> {
  const file = join(target.releasesDir, target.channel, target.platform, SEQUENCE_FILE);
  const last = await readFile(file, 'utf8').then(
    (text) => Number.parseInt(text, 10),
    () => 0,
  );
  if (!Number.isSafeInteger(last) || last < 0) throw new PublishError(`${file} is corrupt`);
  await writeFile(file, `${last + 1}\n`);
  return last + 1;
}

async function signManifest(
  target: ReleaseTarget,
  release: Pick<SignedRelease, 'version' | 'stagingPercentage' | 'files'>,
  signing: Signing,
  releaseDate: string,
): Promise<StoredManifest> {
  const privateKey = signingKey(signing.privateKey);
  const validDays = signing.validDays ?? DEFAULT_VALID_DAYS;
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > 366)
    throw new PublishError(`valid days ${validDays}: a whole number 1..366`);
  const now = signing.now?.() ?? new Date();
  const signed: SignedRelease = {
    ...release,
    channel: target.channel,
    sequence: await nextSequence(target),
    expiresAt: new Date(now.getTime() + validDays * 86_400_000).toISOString(),
  };
  const payload = JSON.stringify(signed);
  const signature = sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
  return { ...release, releaseDate, homelineSignature: { payload, signature } };
}

/** Signs a published release again (new sequence and expiry) and stores the manifest. */
async function resign(
  target: ReleaseTarget,
  stagingPercentage: number,
  signing: Signing,
): Promise<StoredManifest> {
  const file = join(releaseDir(target), MANIFEST_FILE);
  const current = StoredManifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const manifest = await signManifest(
    target,
    { version: current.version, stagingPercentage, files: current.files },
    signing,
    current.releaseDate,
  );
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export interface PublishOptions extends ReleaseTarget, Signing {
  artifacts: string[];
  stagingPercentage: number;
}

/**
 * Copies the installers into the releases folder, hashes them and writes the signed manifest.
 * Refuses to overwrite a published version: a new build gets a new version number.
 */
export async function publishRelease(options: PublishOptions): Promise<StoredManifest> {
  checkTarget(options);
  checkStaging(options.stagingPercentage);
  if (options.artifacts.length === 0) throw new PublishError('no artifacts given');
  signingKey(options.privateKey);
  const dir = releaseDir(options);
  if (
    await stat(join(dir, MANIFEST_FILE)).then(
      () => true,
      () => false,
    )
  ) {
    throw new PublishError(
      `${options.channel}/${options.platform} ${options.version} is already published`,
    );
  }
  const names = options.artifacts.map((artifact) => basename(artifact));
  for (const name of names) {
    if (!ARTIFACT_NAME_PATTERN.test(name)) {
      throw new PublishError(`artifact name "${name}": letters, digits, dot, dash, underscore`);
    }
  }
  if (new Set(names).size !== names.length) throw new PublishError('two artifacts share a name');

  await mkdir(dir, { recursive: true });
  const files: ReleaseFile[] = [];
  for (const [index, artifact] of options.artifacts.entries()) {
    const name = names[index]!; // names is artifacts mapped, index for index
    const target = join(dir, name);
    await copyFile(artifact, target);
    files.push({
      url: artifactUrl(options.channel, options.platform, options.version, name),
      sha512: await sha512Of(target),
      size: (await stat(target)).size,
    });
  }
  const manifest = await signManifest(
    options,
    { version: options.version, stagingPercentage: options.stagingPercentage, files },
    options,
    (options.now?.() ?? new Date()).toISOString(),
  );
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Widens or narrows a published release's rollout, or only renews its expiry: re-signs with a new
 * sequence, so it needs the private key, and devices refuse the manifest it replaces.
 */
export async function setRollout(
  target: ReleaseTarget & Signing & { stagingPercentage: number },
): Promise<StoredManifest> {
  checkTarget(target);
  checkStaging(target.stagingPercentage);
  return resign(target, target.stagingPercentage, target);
}

/** The halt note; `stagingPercentage` is the rollout to resume (absent in notes of older builds). */
const HaltedFileSchema = z.object({
  stagingPercentage: StoredManifestSchema.shape.stagingPercentage.optional(),
});

/**
 * The halt switch: a halted release is no longer offered (the feed falls back to the newest
 * release that is not halted) and its files are no longer served. The halt is signed: the halted
 * release is re-signed at 0 % and the release the feed falls back to after it, each with a new
 * sequence, so a device that has seen either refuses the halted release's earlier manifest.
 * Resuming re-signs the release at the rollout it had before the halt.
 */
export async function setHalted(
  target: ReleaseTarget & Signing,
  halted: boolean,
  reason = '',
): Promise<void> {
  checkTarget(target);
  signingKey(target.privateKey);
  const dir = releaseDir(target);
  if (
    !(await stat(join(dir, MANIFEST_FILE)).then(
      () => true,
      () => false,
    ))
  ) {
    throw new PublishError(
      `${target.channel}/${target.platform} ${target.version} is not published`,
    );
  }
  const haltedFile = join(dir, HALTED_FILE);
  if (halted) {
    const current = StoredManifestSchema.parse(
      JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')),
    );
    const at = (target.now?.() ?? new Date()).toISOString();
    await writeFile(
      haltedFile,
      JSON.stringify({ at, reason, stagingPercentage: current.stagingPercentage }),
    );
    await resign(target, 0, target);
    const publicKey = createPublicKey(signingKey(target.privateKey));
    const releases = await listReleases(
      target.releasesDir,
      target.channel,
      target.platform,
      publicKey,
    );
    const fallback = releases.find((entry) => entry.ok && !entry.release.halted);
    if (fallback?.ok) {
      const { version, manifest } = fallback.release;
      await resign({ ...target, version }, manifest.stagingPercentage, target);
    }
  } else {
    const note = await readFile(haltedFile, 'utf8').then(
      (text) => HaltedFileSchema.parse(JSON.parse(text)),
      () => null,
    );
    if (note === null) return; // not halted: nothing to resume
    const current = StoredManifestSchema.parse(
      JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')),
    );
    await resign(target, note.stagingPercentage ?? current.stagingPercentage, target);
    await rm(haltedFile, { force: true });
  }
}
