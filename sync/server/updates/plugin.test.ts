import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannelFile, updateFeedPlugin } from './plugin';
import {
  PublishError,
  generateSigningKeys,
  publishRelease,
  setHalted,
  setRollout,
} from './publish';
import { StoredManifestSchema, manifestMatchesSignature, toPublicKey } from './releases';

const keys = generateSigningKeys();
let dir: string;
let releasesDir: string;
let app: FastifyInstance;
let base: string;
const artifacts: Record<string, Buffer> = {};

function artifact(name: string): string {
  const bytes = randomBytes(64 * 1024);
  artifacts[name] = bytes;
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

const linux = (version: string) => ({ releasesDir, channel: 'stable', platform: 'linux', version });

async function channelFile(name = 'stable-linux.yml') {
  const response = await fetch(`${base}${name}`);
  return { status: response.status, body: response.ok ? await response.json() : null };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeline-feed-'));
  releasesDir = join(dir, 'releases');
  await publishRelease({
    ...linux('1.0.0'),
    artifacts: [artifact('homeline_1.0.0_amd64.deb')],
    stagingPercentage: 100,
    privateKey: keys.privateKeyPem,
  });
  await publishRelease({
    ...linux('1.1.0'),
    artifacts: [artifact('homeline_1.1.0_amd64.deb'), artifact('Homeline-1.1.0.AppImage')],
    stagingPercentage: 25,
    privateKey: keys.privateKeyPem,
  });
  app = Fastify();
  await app.register(updateFeedPlugin, {
    prefix: '/updates',
    releasesDir,
    publicKey: keys.publicKeyPem,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  base = `${address}/updates/`;
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('updateFeedPlugin', () => {
  it('serves the newest signed release in the latest-linux.yml shape', async () => {
    const { status, body } = await channelFile();
    expect(status).toBe(200);
    expect(body).toMatchObject({ version: '1.1.0', stagingPercentage: 25 });
    const deb = body.files[0];
    expect(deb).toEqual({
      url: 'files/stable/linux/1.1.0/homeline_1.1.0_amd64.deb',
      sha512: createHash('sha512').update(artifacts['homeline_1.1.0_amd64.deb']!).digest('base64'),
      size: 64 * 1024,
    });
    expect(
      manifestMatchesSignature(
        StoredManifestSchema.parse(body),
        toPublicKey(keys.publicKeyPem),
        'stable',
      ),
    ).toBe(true);
  });

  it('serves the files a release lists, and nothing else', async () => {
    const response = await fetch(`${base}files/stable/linux/1.1.0/Homeline-1.1.0.AppImage`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(artifacts['Homeline-1.1.0.AppImage']);

    writeFileSync(join(releasesDir, 'stable/linux/1.1.0/extra.deb'), 'not listed');
    for (const path of [
      'files/stable/linux/1.1.0/extra.deb',
      'files/stable/linux/1.1.0/manifest.json',
      'files/stable/linux/1.1.0/..%2F..%2F1.0.0%2Fmanifest.json',
      'files/stable/linux/9.9.9/homeline_1.1.0_amd64.deb',
      'files/stable/plan9/1.1.0/homeline_1.1.0_amd64.deb',
      'files/Stable/linux/1.1.0/homeline_1.1.0_amd64.deb',
    ]) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
  });

  it('answers 404 for unknown channels, platforms without releases and odd names', async () => {
    for (const name of [
      'beta-linux.yml',
      'stable.yml',
      'stable-mac.yml',
      'stable-linux.yml.bak',
      'x',
    ]) {
      expect((await channelFile(name)).status, name).toBe(404);
    }
  });

  it('halts a release with a newer signed sequence: the feed falls back, stops its files; resume undoes it', async () => {
    const signed = (body: { homelineSignature: { payload: string } }) =>
      JSON.parse(body.homelineSignature.payload) as { sequence: number; channel: string };
    const before = signed((await channelFile()).body).sequence;
    const halt = { ...linux('1.1.0'), privateKey: keys.privateKeyPem };
    await setHalted(halt, true, 'crash on boot');
    const fallback = (await channelFile()).body;
    expect(fallback.version).toBe('1.0.0');
    expect(signed(fallback)).toMatchObject({ channel: 'stable' });
    expect(signed(fallback).sequence).toBeGreaterThan(before + 1);
    expect((await fetch(`${base}files/stable/linux/1.1.0/Homeline-1.1.0.AppImage`)).status).toBe(
      404,
    );
    await setHalted(halt, false);
    const resumed = (await channelFile()).body;
    expect(resumed).toMatchObject({ version: '1.1.0', stagingPercentage: 25 });
    expect(signed(resumed).sequence).toBeGreaterThan(signed(fallback).sequence);
  });

  it('widens a rollout by re-signing with the private key', async () => {
    await setRollout({ ...linux('1.1.0'), stagingPercentage: 50, privateKey: keys.privateKeyPem });
    const { body } = await channelFile();
    expect(body.stagingPercentage).toBe(50);
    expect(
      manifestMatchesSignature(
        StoredManifestSchema.parse(body),
        toPublicKey(keys.publicKeyPem),
        'stable',
      ),
    ).toBe(true);
  });

  it('refuses to serve a manifest edited without the key, and falls back', async () => {
    const file = join(releasesDir, 'stable/linux/1.1.0/manifest.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"stagingPercentage": 50', '"stagingPercentage": 100'));
    try {
      expect((await channelFile()).body.version).toBe('1.0.0');
      writeFileSync(file, '{ not json');
      expect((await channelFile()).body.version).toBe('1.0.0');
    } finally {
      writeFileSync(file, original);
    }
    expect((await channelFile()).body.version).toBe('1.1.0');
  });

  it('refuses a key that is not Ed25519', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const other = Fastify();
    await expect(
      other.register(updateFeedPlugin, { releasesDir, publicKey: rsa }).ready(),
    ).rejects.toThrow(/Ed25519/);
    await other.close();
  });
});

describe('publishRelease', () => {
  const valid = () => ({
    ...linux('2.0.0'),
    artifacts: [artifact('homeline_2.0.0_amd64.deb')],
    stagingPercentage: 10,
    privateKey: keys.privateKeyPem,
  });

  it.each([
    ['a bad version', { version: '2.0' }, /semantic version/],
    ['a bad channel', { channel: 'Stable' }, /channel/],
    ['a bad platform', { platform: 'dos' }, /platform/],
    ['a bad staging percentage', { stagingPercentage: 101 }, /staging/],
    ['a fractional staging percentage', { stagingPercentage: 12.5 }, /staging/],
    ['no artifacts', { artifacts: [] }, /no artifacts/],
    ['an already published version', { version: '1.0.0' }, /already published/],
  ])('refuses %s', async (_name, change, message) => {
    await expect(publishRelease({ ...valid(), ...change })).rejects.toThrow(message);
    await expect(publishRelease({ ...valid(), ...change })).rejects.toBeInstanceOf(PublishError);
  });

  it('refuses a signing key that is not Ed25519 and leaves the feed unchanged', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect(publishRelease({ ...valid(), version: '3.0.0', privateKey: rsa })).rejects.toThrow(
      /Ed25519/,
    );
    expect((await channelFile()).body.version).toBe('1.1.0');
  });

  it('recognises the channel file names electron-updater asks for', () => {
    expect(parseChannelFile('stable-linux.yml')).toEqual({ channel: 'stable', platform: 'linux' });
    expect(parseChannelFile('pilot-linux-arm64.yml')).toEqual({
      channel: 'pilot',
      platform: 'linux-arm64',
    });
    expect(parseChannelFile('stable.yml')).toEqual({ channel: 'stable', platform: 'win' });
    expect(parseChannelFile('../stable.yml')).toBeNull();
  });
});
