import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, METHOD_NAMES, methods, ResultFrameSchema } from '../contract';
import { DEMO } from './seed/demo';
import { storeChecksum } from './testing/checksum';
import { signedIn } from './testing/sign-in';
import { startTestBackend, type TestBackend } from './testing/test-backend';

let t: TestBackend;
beforeAll(async () => {
  t = await startTestBackend();
});
afterAll(() => t.close());

/** Tables a rejected call may still touch: its session's activity and the audit trail. */
const VOLATILE = ['sessions', 'audit_log'];
const checksum = () => storeChecksum(t.backend.store.db, VOLATILE);

const sqlish = fc.constantFrom(
  "'; DROP TABLE messages; --",
  '" OR 1=1 --',
  'NEAR(a b)',
  '*',
  '\u0000',
  'x'.repeat(100_000),
);
const hostileValue = fc.oneof(fc.anything(), sqlish, fc.string({ maxLength: 300 }));
/** Every method except logout, which legitimately ends the session. */
const callable = METHOD_NAMES.filter((name) => name !== 'auth.logout');

function expectTypedResult(result: unknown): void {
  const frame = ResultFrameSchema.shape.result.safeParse(result);
  expect(frame.success).toBe(true);
  if (frame.success && !frame.data.ok) expect(ERROR_CODES).toContain(frame.data.error.code);
}

describe('bad input at the contract boundary', () => {
  it('unknown methods, wrong types and hostile strings get typed errors; the store is untouched', async () => {
    const me = await signedIn(t);
    const before = checksum();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...callable), fc.string({ maxLength: 80 })),
        fc.oneof(
          hostileValue,
          fc.dictionary(
            fc.constantFrom('folder', 'messageId', 'draftId', 'query', 'limit', 'before', 'pin'),
            hostileValue,
          ),
        ),
        async (method, input) => {
          const result = await me.invoke(method, input);
          expectTypedResult(result);
          if (!(method in methods)) {
            expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(checksum()).toBe(before);
  });

  it('a search for anything never fails or changes the store', async () => {
    const me = await signedIn(t);
    const before = checksum();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), sqlish),
        async (query) => {
          const result = await me.invoke('mail.search', { query });
          expectTypedResult(result);
          if (query.trim().length > 0 && query.length <= 200) expect(result.ok).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    expect(checksum()).toBe(before);
  });

  it("a resident reaching for another resident's records gets not_found, whatever the record", async () => {
    const me = await signedIn(t, 0);
    const before = checksum();
    const other = DEMO.residentId(1);
    const otherIds = fc.constantFrom(
      `${other}-m1`,
      `${other}-m4`,
      `${other}-m4-a1`,
      `${other}-c1`,
      'demo-t1-not-mine',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          (id: string) => ['mail.read', { messageId: id }] as const,
          (id: string) => ['mail.markRead', { messageId: id }] as const,
          (id: string) => ['mail.attachment', { attachmentId: id }] as const,
          (id: string) => ['mail.deleteDraft', { draftId: id }] as const,
          (id: string) => ['mail.send', { draftId: id }] as const,
          (id: string) => ['stamps.quote', { contactId: id }] as const,
          (id: string) => ['tickets.reply', { ticketId: id, body: 'hi' }] as const,
        ),
        otherIds,
        async (call, id) => {
          const [method, input] = call(id);
          expect(await me.invoke(method, input)).toMatchObject({
            ok: false,
            error: { code: 'not_found' },
          });
        },
      ),
      { numRuns: 100 },
    );
    expect(checksum()).toBe(before);
  });

  it('without a session, every non-public method answers unauthenticated', async () => {
    const anonymous = t.connect();
    const before = checksum();
    for (const name of METHOD_NAMES) {
      const access = methods[name].access;
      if (access === 'public' || access === 'lobby') continue;
      const result = await anonymous.invoke(name, {});
      expect(result, name).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
    expect(checksum()).toBe(before);
  });
});
