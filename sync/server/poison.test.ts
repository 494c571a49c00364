import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PushResponseSchema } from '../protocol';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Poison-proof push: whatever goes wrong while one mutation is applied (here: ids that repeat
 * records of another kind, which used to hit a unique constraint and answer 500 forever) is
 * contained by its savepoint and stored as that mutation's permanent outcome; the batch goes on.
 */

const at = '2026-01-01T00:00:00.000Z';

function envelope(seq: number, name: string, args: Record<string, unknown>) {
  return { id: crypto.randomUUID(), seq, createdAt: at, name, args };
}

const bills = (billId: string) => [{ billId, cents: 500 }];

async function pushRaw(device: TestDevice, mutations: unknown[]) {
  return device.request('POST', '/v1/push', { mutations });
}

describe.each(STORAGE_KINDS)('poison-proof push on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started));

  it('stores a stamps.purchase whose id a deposit already used as a rejection and goes on', async () => {
    const residentId = await central.resident({}, { cents: 10_000 });
    const [lobby, kiosk] = [await central.device('lobby'), await central.device()];
    const shared = crypto.randomUUID();
    const deposit = envelope(1, 'deposit.create', {
      channel: 'kiosk_cash',
      depositId: shared,
      residentId,
      // The amount and fee the kiosk printed: $3.05 for the resident plus the $1.95 cash fee.
      amountCents: 305,
      feeCents: 195,
      bills: bills(crypto.randomUUID()),
    });
    expect((await pushRaw(lobby, [deposit])).status).toBe(200);
    const clash = envelope(1, 'stamps.purchase', {
      purchaseId: shared,
      residentId,
      bundleId: 'bundle-5',
      expectedPriceCents: 200,
      payment: { kind: 'kiosk_cash', bills: bills(crypto.randomUUID()) },
    });
    const after = envelope(2, 'auth.pinSucceeded', { residentId, at });
    const answer = await pushRaw(kiosk, [clash, after]);
    expect(answer.status).toBe(200);
    const body = PushResponseSchema.parse(answer.body);
    expect(body.results.map((result) => result.outcome)).toEqual([
      { status: 'rejected', code: 'conflict', reason: expect.any(String) },
      { status: 'applied' },
    ]);
    expect(body.highWaterMark).toBe(2);
    // The outcome is permanent: the retried batch answers it as a duplicate, still 200.
    const retried = PushResponseSchema.parse((await pushRaw(kiosk, [clash])).body);
    expect(retried.results[0]).toMatchObject({
      status: 'duplicate',
      outcome: { code: 'conflict' },
    });
  });

  it('stores a mail.send of a message id already sent as a rejection; the next mutation applies', async () => {
    const residentId = await central.resident({}, { stamps: 10 });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const kiosk = await central.device();
    const messageId = crypto.randomUUID();
    const send = (seq: number) =>
      envelope(seq, 'mail.send', {
        messageId,
        residentId,
        customerId: customer.customerId,
        kind: 'email',
        body: 'Hi',
      });
    const answer = await pushRaw(kiosk, [
      send(1),
      send(2),
      envelope(3, 'auth.pinSucceeded', { residentId, at }),
    ]);
    expect(answer.status).toBe(200);
    const outcomes = PushResponseSchema.parse(answer.body).results.map((r) => r.outcome);
    expect(outcomes[0]).toEqual({ status: 'applied' });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', code: 'conflict' });
    expect(outcomes[2]).toEqual({ status: 'applied' });
    const spent = await central.storage.get<{ stamps: number }>(
      "SELECT stamps FROM balances WHERE owner_type = 'resident' AND owner_id = ?",
      [residentId],
    );
    expect(Number(spent?.stamps)).toBe(9);
  });

  it('never answers 5xx to random valid-shaped batches with ids repeated across kinds', async () => {
    const residentId = await central.resident({}, { stamps: 20, cents: 5_000 });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const kiosk = await central.device();
    const lobby = await central.device('lobby');
    const seqs = new Map<TestDevice, number>([
      [kiosk, 0],
      [lobby, 0],
    ]);
    // A small pool, so records of different kinds keep meeting the same ids.
    const ids = Array.from({ length: 4 }, () => crypto.randomUUID());
    const id = fc.constantFrom(...ids);
    const mutation = fc.oneof(
      fc.record({ messageId: id, body: fc.string({ maxLength: 20 }) }).map((a) => ({
        name: 'mail.send',
        args: { ...a, residentId, customerId: customer.customerId, kind: 'email' },
      })),
      fc.record({ messageId: id }).map((a) => ({
        name: 'mail.markRead',
        args: { ...a, residentId, readAt: at },
      })),
      fc.record({ purchaseId: id, billId: id, cash: fc.boolean() }).map((a) => ({
        name: 'stamps.purchase',
        args: {
          purchaseId: a.purchaseId,
          residentId,
          bundleId: 'bundle-5',
          ...(a.cash
            ? { expectedPriceCents: 200, payment: { kind: 'kiosk_cash', bills: bills(a.billId) } }
            : {}),
        },
      })),
      fc.record({ ticketId: id, ticketMessageId: id }).map((a) => ({
        name: 'ticket.file',
        args: { ...a, residentId, tabletSerial: 'TAB-1', category: 'other', description: 'x' },
      })),
      fc.record({ ticketId: id, ticketMessageId: id }).map((a) => ({
        name: 'ticket.reply',
        args: { ...a, residentId, body: 'more' },
      })),
      fc.record({ requestId: id }).map((a) => ({
        name: 'release.request',
        args: {
          ...a,
          residentId,
          tabletSerial: 'TAB-1',
          firstName: 'Ana',
          lastName: 'Lopez',
          phone: '5551234567',
          returnAddress: '1 Main St',
        },
      })),
      fc.record({ depositId: id, billId: id }).map((a) => ({
        name: 'deposit.create',
        args: { channel: 'kiosk_cash', depositId: a.depositId, residentId, bills: bills(a.billId) },
      })),
    );
    const batch = fc.record({
      lobby: fc.boolean(),
      mutations: fc.array(fc.tuple(mutation, fc.boolean()), { minLength: 1, maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(batch, async ({ lobby: fromLobby, mutations }) => {
        const device = fromLobby ? lobby : kiosk;
        let seq = seqs.get(device)!;
        const envelopes = mutations.map(([m, reuseMutationId]) => {
          seq += 1;
          // Reusing a mutation id from the pool repeats a mutation id as well as record ids.
          const built = envelope(seq, m.name, m.args);
          return reuseMutationId ? { ...built, id: ids[seq % ids.length] } : built;
        });
        seqs.set(device, seq);
        const answer = await pushRaw(device, envelopes);
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
