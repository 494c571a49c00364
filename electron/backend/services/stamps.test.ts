import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo';
import { storeChecksum } from '../testing/checksum';
import { signedIn } from '../testing/sign-in';
import { startTestBackend, type TestBackend } from '../testing/test-backend';

let t: TestBackend;
beforeEach(async () => {
  t = await startTestBackend();
});
afterEach(() => t.close());

describe('stamps', () => {
  it('offers bundles with the running holiday discount (test clock: 2026-12-01)', async () => {
    const offers = await t.connect().invoke('stamps.offers', {});
    expect(offers).toMatchObject({
      ok: true,
      value: {
        bundles: [
          { id: 'bundle-5', priceCents: 200, finalPriceCents: 200, promotionId: null },
          { id: 'bundle-20', priceCents: 700, finalPriceCents: 595, promotionId: 'holiday-2026' },
          { id: 'bundle-60', priceCents: 1800, finalPriceCents: 1530, promotionId: 'holiday-2026' },
        ],
      },
    });
  });

  it('buys a bundle from the account: pending until the central service confirms', async () => {
    const me = await signedIn(t);
    const purchase = await me.call('stamps.purchase', {
      bundleId: 'bundle-20',
      payment: { kind: 'account' },
    });
    expect(purchase).toMatchObject({
      stamps: 20,
      priceCents: 595,
      status: 'pending',
      receipt: null,
    });
    expect(await me.call('account.status', {})).toMatchObject({ spendableCents: 5000 - 595 });
    const history = await me.call<{ entries: { kind: string; status: string }[] }>(
      'stamps.history',
      {},
    );
    // Newest first: this purchase, then the seed's rejected letter (its stamp returned) and the
    // seed's own purchase.
    expect(history.entries.map((e) => [e.kind, e.status])).toEqual([
      ['purchase', 'pending'],
      ['refund', 'confirmed'],
      ['spend', 'confirmed'],
      ['purchase', 'confirmed'],
    ]);
    expect(t.backend.store.outbox.unsettled(5).map((m) => m.name)).toEqual([
      'auth.pinSucceeded', // the sign-in
      'stamps.purchase',
    ]);
  });

  it('refuses a purchase the account cannot pay, and card or cash without hardware', async () => {
    const me = await signedIn(t);
    t.backend.store.stamps.setSpendable(DEMO.residentId(0), 100, '2026-12-01T00:00:00.000Z');
    const before = storeChecksum(t.backend.store.db, ['sessions']);
    expect(
      await me.invoke('stamps.purchase', { bundleId: 'bundle-5', payment: { kind: 'account' } }),
    ).toMatchObject({ ok: false, error: { code: 'insufficient_funds' } });
    expect(
      await me.invoke('stamps.purchase', {
        bundleId: 'bundle-5',
        payment: { kind: 'cash', cashSessionId: 'c1' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'device_unavailable' } });
    expect(
      await me.invoke('stamps.purchase', { bundleId: 'nope', payment: { kind: 'account' } }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(storeChecksum(t.backend.store.db, ['sessions'])).toBe(before);
  });

  it('pages the history with a cursor', async () => {
    const me = await signedIn(t);
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(1000);
      await me.call('stamps.purchase', { bundleId: 'bundle-5', payment: { kind: 'account' } });
    }
    // Three purchases here and the seed's three entries.
    const first = await me.call<{ entries: unknown[]; nextCursor: string }>('stamps.history', {
      limit: 3,
    });
    const rest = await me.call<{ entries: unknown[]; nextCursor: null }>('stamps.history', {
      limit: 3,
      before: first.nextCursor,
    });
    expect(first.entries.length + rest.entries.length).toBe(6);
    expect(rest.nextCursor).toBeNull();
  });
});

describe('tickets', () => {
  it('suggests steps, files a ticket, shows the agent reply and takes a resident reply', async () => {
    const me = await signedIn(t);
    const { suggestions } = await me.call<{ suggestions: { id: string; category: string }[] }>(
      'tickets.suggest',
      { description: 'la tableta no carga la batería', locale: 'es' },
    );
    expect(suggestions[0]?.category).toBe('charging');
    const ticket = await me.call<{ id: string; status: string }>('tickets.file', {
      tabletSerial: 'TAB-100001',
      category: 'charging',
      description: 'Still not charging after the steps.',
      suggestionsShown: suggestions.map((s) => s.id),
    });
    expect(ticket.status).toBe('queued');
    const list = await me.call<{ tickets: { id: string; unreadReplies: number }[] }>(
      'tickets.list',
      {},
    );
    expect(list.tickets.find((x) => x.id === 'demo-t1')?.unreadReplies).toBe(1);
    const read = await me.call<{ messages: { author: string }[] }>('tickets.read', {
      ticketId: 'demo-t1',
    });
    expect(read.messages.map((m) => m.author)).toEqual(['agent']);
    expect(await me.call('tickets.reply', { ticketId: 'demo-t1', body: 'Thanks' })).toMatchObject({
      author: 'resident',
      delivered: false,
    });
    const again = await me.call<{ tickets: { id: string; unreadReplies: number }[] }>(
      'tickets.list',
      {},
    );
    expect(again.tickets.find((x) => x.id === 'demo-t1')?.unreadReplies).toBe(0);
    expect(t.backend.store.audit.recent(20).map((e) => e.action)).toContain('ticket.file');
  });

  it("keeps another resident's ticket hidden", async () => {
    const other = await signedIn(t, 1);
    expect(await other.invoke('tickets.read', { ticketId: 'demo-t1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('account', () => {
  it('requests a tablet release for the resident and tracks it', async () => {
    const me = await signedIn(t);
    const form = {
      tabletSerial: 'TAB-100001',
      firstName: 'James',
      lastName: 'Carter',
      docNumber: DEMO.docNumber(0),
      phone: '+1 850 555 0100',
      returnAddress: '12 Palm Street, Tampa, FL 33601',
    };
    const request = await me.call('account.requestRelease', form);
    // the agency's address is the facility's, never typed by the resident
    expect(request).toMatchObject({
      status: 'requested',
      agencyAddress: expect.stringContaining('501 South Calhoun Street'),
      history: [{ status: 'requested' }],
    });
    expect(
      await me.invoke('account.requestRelease', { ...form, agencyAddress: 'Somewhere else 1' }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await me.invoke('account.requestRelease', { ...form, phone: '555 123' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await me.call('account.releaseRequests', {})).toMatchObject({ requests: [request] });
    expect(
      await me.invoke('account.requestRelease', { ...form, docNumber: DEMO.docNumber(1) }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await me.invoke('account.printReleaseForm', { requestId: (request as { id: string }).id }),
    ).toMatchObject({ ok: false, error: { code: 'device_unavailable' } });
  });
});
