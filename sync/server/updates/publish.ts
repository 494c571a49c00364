import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import semver from 'semver';
import {
  ARTIFACT_NAME_PATTERN,
  CHANNEL_PATTERN,
  HALTED_FILE,
  MANIFEST_FILE,
  PLATFORMS,
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

function signManifest(
  release: SignedRelease,
  privateKey: KeyObject,
  releaseDate: string,
): StoredManifest {
  const payload = JSON.stringify(release);
  const signature = sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
  return { ...release, releaseDate, homelineSignature: { payload, signature } };
}

export interface PublishOptions extends ReleaseTarget {
  artifacts: string[];
  stagingPercentage: number;
  privateKey: KeyObject | string;
  now?: () => Date;
}

/**
 * Copies the installers into the releases folder, hashes them and writes the signed manifest.
 * Refuses to overwrite a published version: a new build gets a new version number.
 */
export async function publishRelease(options: PublishOptions): Promise<StoredManifest> {
  checkTarget(options);
  checkStaging(options.stagingPercentage);
  if (options.artifacts.length === 0) throw new PublishError('no artifacts given');
  const privateKey = signingKey(options.privateKey);
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
    const name = names[index]!;
    const target = join(dir, name);
    await copyFile(artifact, target);
    files.push({
      url: artifactUrl(options.channel, options.platform, options.version, name),
      sha512: await sha512Of(target),
      size: (await stat(target)).size,
    });
  }
  const manifest = signManifest(
    { version: options.version, stagingPercentage: options.stagingPercentage, files },
    privateKey,
    (options.now?.() ?? new Date()).toISOString(),
  );
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Widens or narrows a published release's rollout; re-signs, so it needs the private key. */
export async function setRollout(
  target: ReleaseTarget & { stagingPercentage: number; privateKey: KeyObject | string },
): Promise<StoredManifest> {
  checkTarget(target);
  checkStaging(target.stagingPercentage);
  const file = join(releaseDir(target), MANIFEST_FILE);
  const current = StoredManifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const privateKey = signingKey(target.privateKey);
  const manifest = signManifest(
    { version: current.version, stagingPercentage: target.stagingPercentage, files: current.files },
    privateKey,
    current.releaseDate,
  );
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * The halt switch: a halted release is no longer offered (the feed falls back to the newest
 * release that is not halted) and its files are no longer served. Needs no key, so anyone on
 * call can stop a bad rollout at once.
 */
export async function setHalted(
  target: ReleaseTarget,
  halted: boolean,
  reason = '',
): Promise<void> {
  checkTarget(target);
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
  if (halted) {
    await writeFile(
      join(dir, HALTED_FILE),
      JSON.stringify({ at: new Date().toISOString(), reason }),
    );
  } else {
    await rm(join(dir, HALTED_FILE), { force: true });
  }
}
