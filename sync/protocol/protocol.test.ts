import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EnrollCodeSchema,
  MutationSchema,
  PushRequestSchema,
  PullRequestSchema,
  canonicalJson,
  compareAppVersions,
  formatCursor,
  pageChecksum,
  parseCursor,
  sha256Hex,
  signingPayload,
} from './index';

describe('canonicalJson', () => {
  it('is independent of key order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 2 }] })).toBe(
      '{"a":[true,null,{"c":2,"d":"x"}],"b":1}',
    );
  });
});

describe('sha256Hex', () => {
  it('matches Node crypto for any string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), async (text) => {
        expect(await sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
      }),
    );
  });
});

describe('pageChecksum', () => {
  it('changes when any change changes', async () => {
    const scope = { kind: 'resident' as const, id: 'r1' };
    const deletion = { op: 'delete' as const, entity: 'message' as const, id: 'm1', position: 3 };
    const a = await pageChecksum({ scope, changes: [deletion], cursor: 'e.3' });
    const b = await pageChecksum({ scope, changes: [{ ...deletion, id: 'm2' }], cursor: 'e.3' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });
});

describe('cursors', () => {
  it('round-trip epoch and position', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.nat(), (epoch, position) => {
        expect(parseCursor(formatCursor(epoch, position))).toEqual({ epoch, position });
        expect(
          PullRequestSchema.safeParse({
            scopes: [
              { scope: { kind: 'facility', id: 'f' }, cursor: formatCursor(epoch, position) },
            ],
          }).success,
        ).toBe(true);
      }),
    );
  });
});

describe('mutations', () => {
  const base = { id: crypto.randomUUID(), seq: 1, createdAt: '2026-01-01T00:00:00.000Z' };
  it('validates args by name', () => {
    const ok = MutationSchema.safeParse({
      ...base,
      name: 'auth.pinFailed',
      args: { residentId: 'r1', at: '2026-01-01T00:00:00.000Z' },
    });
    expect(ok.success).toBe(true);
    const bad = MutationSchema.safeParse({ ...base, name: 'auth.pinFailed', args: { at: 5 } });
    expect(bad.success).toBe(false);
  });
  it('refuses a batch out of sequence order', () => {
    const batch = [
      { ...base, seq: 2, name: 'x', args: {} },
      { ...base, seq: 2, name: 'x', args: {} },
    ];
    expect(PushRequestSchema.safeParse({ mutations: batch }).success).toBe(false);
  });
});

describe('versions and codes', () => {
  it('compares app versions numerically', () => {
    expect(compareAppVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareAppVersions('1.2.3', '1.2.3')).toBe(0);
    expect(compareAppVersions('0.9.0', '1.0.0')).toBe(-1);
  });
  it('normalizes enrollment codes', () => {
    expect(EnrollCodeSchema.parse('abcd-efgh-jkmn')).toBe('ABCDEFGHJKMN');
    expect(EnrollCodeSchema.safeParse('ABCD-EFGH-JKM1').success).toBe(false);
  });
  it('signs method, path, device, counter and body hash', () => {
    const payload = signingPayload({
      method: 'post',
      path: '/v1/push',
      deviceId: 'd1',
      counter: 7,
      bodySha256: 'ab',
    });
    expect(payload).toBe('homeline-request-v1\nPOST\n/v1/push\nd1\n7\nab');
  });
});
