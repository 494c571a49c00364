import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { installBlockers, type DeviceActivity } from './idle';
import { checkReleaseManifest, isValidStagingPercentage } from './manifest';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const feedUrl = 'https://central.example.org/updates/';
const sha512 = `${'A'.repeat(86)}==`;

interface Release {
  version: string;
  stagingPercentage: number;
  files: { url: string; sha512: string; size: number }[];
}

interface Freshness {
  channel: string;
  sequence: number;
  expiresAt: string;
}
const fresh: Freshness = { channel: 'stable', sequence: 5, expiresAt: '2026-12-31T00:00:00.000Z' };

/** A manifest as the publisher writes it: the release plus a signature over it and its freshness. */
function signed(release: Release, key: KeyObject = privateKey, freshness: Freshness = fresh) {
  const payload = JSON.stringify({ ...release, ...freshness });
  return {
    ...release,
    releaseDate: '2026-11-25T08:00:00.000Z',
    homelineSignature: {
      payload,
      signature: sign(null, Buffer.from(payload), key).toString('base64'),
    },
  };
}

const release: Release = {
  version: '1.4.0',
  stagingPercentage: 20,
  files: [{ url: 'files/stable/linux/1.4.0/homeline_1.4.0_amd64.deb', sha512, size: 1234 }],
};
const check = (info: unknown, currentVersion = '1.3.9', highestSequence = 5) =>
  checkReleaseManifest(info, {
    publicKey,
    feedUrl,
    currentVersion,
    channel: 'stable',
    highestSequence,
    now: new Date('2026-12-01T12:00:00.000Z'),
  });

describe('checkReleaseManifest', () => {
  it('accepts a signed, newer release whose files are on the feed host', () => {
    expect(check(signed(release))).toEqual({ ok: true, version: '1.4.0', sequence: 5 });
    const absolute = {
      ...release,
      files: [{ ...release.files[0]!, url: 'https://central.example.org/updates/x.deb' }],
    };
    expect(check(signed(absolute))).toEqual({ ok: true, version: '1.4.0', sequence: 5 });
  });

  it('refuses a replayed, expired or other-channel manifest, each with its reason', () => {
    expect(check(signed(release), '1.3.9', 6)).toMatchObject({
      ok: false,
      kind: 'rejected',
      reason: expect.stringMatching(/replayed: sequence 5 is older than 6/),
    });
    const expired = signed(release, privateKey, {
      ...fresh,
      expiresAt: '2026-12-01T11:59:59.000Z',
    });
    expect(check(expired)).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/expired/),
    });
    const beta = signed(release, privateKey, { ...fresh, channel: 'beta' });
    expect(check(beta)).toMatchObject({
      kind: 'rejected',
      reason: 'signed for channel beta, not stable',
    });
    // The same manifest served again is no replay.
    expect(check(signed(release), '1.3.9', 5)).toMatchObject({ ok: true });
  });

  it('calls an older or equal genuine release stale, not rejected', () => {
    expect(check(signed(release), '1.4.0')).toMatchObject({ ok: false, kind: 'stale' });
    expect(check(signed(release), '2.0.0')).toMatchObject({ ok: false, kind: 'stale' });
  });

  it.each([
    ['not an object', 'latest'],
    ['no signature', { ...release }],
    ['a signature of the wrong shape', { ...release, homelineSignature: { payload: 1 } }],
    ['another key', signed(release, generateKeyPairSync('ed25519').privateKey)],
    [
      'a file on another host',
      signed({
        ...release,
        files: [{ ...release.files[0]!, url: 'https://cdn.example.net/x.deb' }],
      }),
    ],
    [
      'a file over plain http',
      signed({
        ...release,
        files: [{ ...release.files[0]!, url: 'http://central.example.org/updates/x.deb' }],
      }),
    ],
    ['a non-numeric rollout', { ...signed(release), stagingPercentage: '20' }],
    [
      'an extra file field',
      { ...signed(release), files: [{ ...release.files[0]!, isAdminRightsRequired: true }] },
    ],
    ['a legacy path', { ...signed(release), path: 'x.deb' }],
    ['web installer packages', { ...signed(release), packages: { x64: { path: 'x.7z' } } }],
  ])('rejects %s', (_name, info) => {
    expect(check(info)).toMatchObject({ ok: false, kind: 'rejected' });
  });

  it('rejects any change to a signed field', () => {
    fc.assert(
      fc.property(
        fc.record({
          version: fc.constantFrom('1.4.1', '9.9.9', '1.4.0-beta.1', '01.4.0'),
          stagingPercentage: fc.oneof(fc.integer({ min: 21, max: 100 }), fc.constant(Number.NaN)),
          url: fc.webUrl(),
          size: fc.integer({ min: 1235, max: 2 ** 40 }),
        }),
        fc.constantFrom('version', 'stagingPercentage', 'url', 'size'),
        (values, field) => {
          const manifest = signed(release);
          const tampered =
            field === 'version' || field === 'stagingPercentage'
              ? { ...manifest, [field]: values[field] }
              : { ...manifest, files: [{ ...manifest.files[0]!, [field]: values[field] }] };
          const verdict = check(tampered);
          return !verdict.ok && verdict.kind === 'rejected';
        },
      ),
      { numRuns: 50 },
    );
  });

  it('treats only whole percentages 0..100 as a rollout', () => {
    expect([0, 50, 100].every(isValidStagingPercentage)).toBe(true);
    expect([-1, 101, 12.5, '50', null, undefined, Number.NaN].some(isValidStagingPercentage)).toBe(
      false,
    );
  });
});

describe('installBlockers', () => {
  it('lets the device install only when every activity is idle', () => {
    fc.assert(
      fc.property(
        fc.record<DeviceActivity>({
          sessionOpen: fc.boolean(),
          paymentInProgress: fc.boolean(),
          printInProgress: fc.boolean(),
          outboxPending: fc.integer({ min: 0, max: 3 }),
        }),
        (activity) => {
          const idle =
            !activity.sessionOpen &&
            !activity.paymentInProgress &&
            !activity.printInProgress &&
            activity.outboxPending === 0;
          return (installBlockers(activity).length === 0) === idle;
        },
      ),
    );
    expect(installBlockers(null)).toEqual(['device activity unknown']);
  });
});
