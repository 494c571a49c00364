import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  pageChecksum,
  pageChecksumInput,
  PageSchema,
  pageSignatureInput,
  type Scope,
} from '../protocol';
import { pageChecksumText, pageJson, type StoredChange } from './page-json';

const scopeArb: fc.Arbitrary<Scope> = fc.record({
  kind: fc.constantFrom('facility' as const, 'resident' as const, 'device' as const),
  id: fc.string({ minLength: 1 }),
});
const dataArb = fc.dictionary(fc.string(), fc.jsonValue());
const changeArb = fc.record({
  entity: fc.string({ minLength: 1 }),
  id: fc.string({ minLength: 1 }),
  position: fc.nat(),
  data: fc.option(dataArb, { nil: null }),
});

describe('pages as JSON text from stored canonical data', () => {
  it('gives exactly the text pageChecksumInput gives for the parsed page', () => {
    fc.assert(
      fc.property(
        scopeArb,
        fc.array(changeArb, { maxLength: 8 }),
        fc.string(),
        (scope, raw, cursor) => {
          const stored: StoredChange[] = raw.map((c) => ({
            entity: c.entity,
            id: c.id,
            position: c.position,
            op: c.data === null ? 'delete' : 'upsert',
            data: c.data === null ? null : canonicalJson(c.data),
          }));
          const parsed = JSON.parse(pageChecksumText(scope, stored, cursor));
          const changes = raw.map((c) =>
            c.data === null
              ? { op: 'delete', entity: c.entity, id: c.id, position: c.position }
              : {
                  op: 'upsert',
                  entity: c.entity,
                  id: c.id,
                  position: c.position,
                  data: JSON.parse(JSON.stringify(c.data)),
                },
          );
          expect(pageChecksumText(scope, stored, cursor)).toBe(
            pageChecksumInput({ scope, changes: changes as never, cursor }),
          );
          expect(parsed.changes).toEqual(changes);
        },
      ),
    );
  });

  it('sends a page whose checksum a device recomputes from what it parsed', async () => {
    const scope: Scope = { kind: 'resident', id: 'r1' };
    const account = { stamps: 3, id: 'r1', spendableCents: 1250 };
    const stored: StoredChange[] = [
      { entity: 'account', id: 'r1', op: 'upsert', data: canonicalJson(account), position: 7 },
      { entity: 'ticket', id: 't1', op: 'delete', data: null, position: 9 },
    ];
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signWith = async (checksum: string) =>
      sign(null, Buffer.from(pageSignatureInput('d1', null, checksum)), privateKey).toString(
        'base64url',
      );
    const text = await pageJson(scope, stored, 'epoch.9', true, signWith);
    const page = PageSchema.parse(JSON.parse(text));
    const signed = Buffer.from(pageSignatureInput('d1', null, page.checksum));
    expect(verify(null, signed, publicKey, Buffer.from(page.signature, 'base64url'))).toBe(true);
    expect(page.hasMore).toBe(true);
    expect(page.changes[0]).toEqual({
      op: 'upsert',
      entity: 'account',
      id: 'r1',
      position: 7,
      data: account,
    });
    expect(page.checksum).toBe(await pageChecksum(page));
  });
});
