import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo';
import { storeChecksum } from '../testing/checksum';
import { signedIn } from '../testing/sign-in';
import { startTestBackend, type TestBackend } from '../testing/test-backend';
import { ftsQuery } from './mail';

let t: TestBackend;
beforeEach(async () => {
  t = await startTestBackend();
});
afterEach(() => t.close());

interface Summary {
  id: string;
  subject: string;
  status: string;
}

describe('mail', () => {
  it('pages the inbox newest first with an opaque cursor', async () => {
    const me = await signedIn(t);
    const first = await me.call<{ messages: Summary[]; nextCursor: string }>('mail.list', {
      folder: 'inbox',
      limit: 3,
    });
    expect(first.messages.map((m) => m.subject)).toEqual([
      'Happy birthday!',
      'Noticias de la familia',
      'Visit next month',
    ]);
    const second = await me.call<{ messages: Summary[]; nextCursor: null }>('mail.list', {
      folder: 'inbox',
      limit: 3,
      before: first.nextCursor,
    });
    expect(second.messages.map((m) => m.subject)).toEqual(['Fotos del cumpleaños']);
    expect(second.nextCursor).toBeNull();
    expect(await me.invoke('mail.list', { folder: 'inbox', before: 'bm9wZQ' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'before' } },
    });
  });

  it('searches subject and body in both languages, accents optional, own mail only', async () => {
    const me = await signedIn(t);
    const search = (query: string) =>
      me
        .call<{ messages: Summary[] }>('mail.search', { query })
        .then((r) => r.messages.map((m) => m.subject));
    expect(await search('cumpleanos')).toEqual(['Fotos del cumpleaños']);
    expect(await search('cake grandma')).toEqual(['Happy birthday!']);
    expect(await search('TRABAJO')).toEqual(['Noticias de la familia']);
    expect(await search('"); DROP TABLE messages; --')).toEqual([]);
    expect(await search('***')).toEqual([]);
    const count = t.backend.store.db.prepare('SELECT count(*) AS n FROM messages').get();
    expect(count).toEqual({ n: 15 }); // five letters for each of the three seeded residents
  });

  it('reads a message with its attachment, timeline and expected delivery', async () => {
    const me = await signedIn(t);
    const id = `${DEMO.residentId(0)}-m4`;
    const message = await me.call<{
      attachments: { id: string; available: boolean }[];
      timeline: { status: string }[];
      expectedDeliveryAt: string;
    }>('mail.read', { messageId: id });
    expect(message.timeline.map((e) => e.status)).toEqual([
      'sent',
      'in_review',
      'released',
      'delivered',
    ]);
    expect(message.attachments).toMatchObject([{ available: true }]);
    const file = await me.call<{ mimeType: string; dataBase64: string }>('mail.attachment', {
      attachmentId: message.attachments[0]!.id,
    });
    expect(file.mimeType).toBe('image/png');
    expect(Buffer.from(file.dataBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it("answers not_found for another resident's message, attachment or contact", async () => {
    const me = await signedIn(t);
    const before = storeChecksum(t.backend.store.db, ['sessions', 'audit_log']);
    const other = DEMO.residentId(1);
    for (const [method, input] of [
      ['mail.read', { messageId: `${other}-m1` }],
      ['mail.markRead', { messageId: `${other}-m1` }],
      ['mail.attachment', { attachmentId: `${other}-m4-a1` }],
      ['mail.saveDraft', { contactId: `${other}-c1`, subject: 'x', body: 'y' }],
      ['stamps.quote', { contactId: `${other}-c1` }],
      ['mail.send', { draftId: `${other}-m1` }],
    ] as const) {
      expect(await me.invoke(method, input), method).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    }
    expect(storeChecksum(t.backend.store.db, ['sessions', 'audit_log'])).toBe(before);
  });

  it('sends offline: reserves stamps and writes message, timeline and outbox together', async () => {
    const me = await signedIn(t);
    const contactId = `${DEMO.residentId(0)}-c1`;
    const { draftId } = await me.call<{ draftId: string }>('mail.saveDraft', {
      contactId,
      subject: 'Hola',
      body: 'Thank you for the photos',
    });
    const sent = await me.call<{ message: Summary; fromBalance: number }>('mail.send', {
      draftId,
    });
    expect(sent.message.status).toBe('queued');
    expect(sent.fromBalance).toBe(1);
    expect(await me.call('stamps.balance', {})).toMatchObject({
      confirmed: 20,
      reserved: 1,
      available: 19,
    });
    // The sign-in's auth.pinSucceeded comes first.
    const mutation = t.backend.store.outbox.unsettled(10).find((m) => m.name === 'mail.send');
    expect(mutation).toMatchObject({
      name: 'mail.send',
      state: 'pending',
      // the protocol's mail.send, checked when queued
      args: {
        messageId: draftId,
        residentId: DEMO.residentId(0),
        kind: 'email',
        subject: 'Hola',
        body: 'Thank you for the photos',
        attachments: [],
        reservedStamps: 1,
      },
    });
    const detail = await me.call<{ timeline: { status: string }[] }>('mail.read', {
      messageId: draftId,
    });
    expect(detail.timeline.map((e) => e.status)).toEqual(['draft', 'queued']);
    // The caller has its answer: the events are for the resident's other windows only.
    expect(me.events.map((e) => e.event)).toEqual([]);
    expect(await me.invoke('mail.send', { draftId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });

  it('pays a reply with the prepaid stamps of that customer first', async () => {
    const me = await signedIn(t);
    const contactId = `${DEMO.residentId(0)}-c2`; // m2 from this contact carried 2 prepaid stamps
    const quote = await me.call('stamps.quote', { contactId, ecard: true });
    expect(quote).toMatchObject({ total: 2, fromPrepaid: 2, fromBalance: 0, sufficient: true });
    const { draftId } = await me.call<{ draftId: string }>('mail.saveDraft', {
      contactId,
      subject: 'Gracias',
      body: 'Una tarjeta para ti',
      ecard: true,
    });
    expect(await me.call('mail.send', { draftId })).toMatchObject({
      fromPrepaid: 2,
      fromBalance: 0,
    });
    expect(await me.call('stamps.balance', {})).toMatchObject({ reserved: 0, prepaidReply: [] });
  });

  it('refuses a send without enough stamps and changes nothing', async () => {
    const me = await signedIn(t);
    t.backend.store.stamps.setConfirmed(DEMO.residentId(0), 0, '2026-12-01T12:00:00.000Z');
    const { draftId } = await me.call<{ draftId: string }>('mail.saveDraft', {
      contactId: `${DEMO.residentId(0)}-c1`,
      subject: 'No stamps',
      body: 'This one waits',
    });
    const before = storeChecksum(t.backend.store.db, ['sessions']);
    expect(await me.invoke('mail.send', { draftId })).toMatchObject({
      ok: false,
      error: { code: 'insufficient_stamps', details: { required: 1, available: 0 } },
    });
    expect(storeChecksum(t.backend.store.db, ['sessions'])).toBe(before);
  });

  it('keeps drafts editable and deletable until sent', async () => {
    const me = await signedIn(t);
    const contactId = `${DEMO.residentId(0)}-c1`;
    const { draftId } = await me.call<{ draftId: string }>('mail.saveDraft', {
      contactId,
      subject: 'one',
      body: 'first',
    });
    await me.call('mail.saveDraft', { draftId, contactId, subject: 'two', body: 'second' });
    const drafts = await me.call<{ messages: Summary[] }>('mail.list', { folder: 'drafts' });
    expect(drafts.messages.map((m) => m.subject)).toEqual(['two']);
    await me.call('mail.deleteDraft', { draftId });
    expect(await me.call('mail.list', { folder: 'drafts' })).toMatchObject({ messages: [] });
  });

  it('sends the draft fields in one call and one transaction; only the same resident elsewhere hears of it', async () => {
    const me = await signedIn(t);
    const myOtherWindow = await signedIn(t);
    const someoneElse = await signedIn(t, 1);
    const contactId = `${DEMO.residentId(0)}-c1`;
    const sent = await me.call<{ message: Summary; fromBalance: number }>('mail.send', {
      contactId,
      subject: 'Straight out',
      body: 'Written and sent in one step',
    });
    expect(sent.message).toMatchObject({ subject: 'Straight out', status: 'queued' });
    const mutation = t.backend.store.outbox.unsettled(10).find((m) => m.name === 'mail.send');
    expect(mutation).toMatchObject({
      args: { messageId: sent.message.id, subject: 'Straight out' },
    });
    expect(await me.call('mail.list', { folder: 'drafts' })).toMatchObject({ messages: [] });
    expect(me.events).toEqual([]);
    expect(myOtherWindow.events.map((e) => e.event)).toEqual(['mail.changed', 'stamps.changed']);
    expect(someoneElse.events).toEqual([]);
  });

  it('a send with draft fields that fails writes nothing: not even the draft', async () => {
    const me = await signedIn(t);
    const before = storeChecksum(t.backend.store.db, ['sessions', 'audit_log']);
    const refused = await me.invoke('mail.send', {
      contactId: `${DEMO.residentId(1)}-c1`,
      subject: 'x',
      body: 'to a contact that is not mine',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(storeChecksum(t.backend.store.db, ['sessions', 'audit_log'])).toBe(before);
  });

  it('opening an unread letter marks it read in the same call', async () => {
    const me = await signedIn(t);
    const myOtherWindow = await signedIn(t);
    const someoneElse = await signedIn(t, 1);
    const messageId = `${DEMO.residentId(0)}-m1`;
    const opened = await me.call<{ readAt: string | null }>('mail.read', { messageId });
    expect(opened.readAt).not.toBeNull();
    expect(await me.call('mail.list', { folder: 'inbox' })).toMatchObject({ unreadCount: 3 });
    await me.call('mail.read', { messageId });
    expect(
      t.backend.store.outbox.unsettled(10).filter((m) => m.name === 'mail.markRead'),
    ).toHaveLength(1);
    expect(me.events).toEqual([]);
    expect(myOtherWindow.events).toEqual([
      { event: 'mail.changed', payload: { messageIds: [messageId] } },
    ]);
    expect(someoneElse.events).toEqual([]);
  });

  it('marks mail read once and queues the read receipt', async () => {
    const me = await signedIn(t);
    const messageId = `${DEMO.residentId(0)}-m1`;
    await me.call('mail.markRead', { messageId });
    await me.call('mail.markRead', { messageId });
    expect(await me.call('mail.list', { folder: 'inbox' })).toMatchObject({ unreadCount: 3 });
    expect(t.backend.store.outbox.unsettled(10).map((m) => m.name)).toEqual([
      'auth.pinSucceeded', // the sign-in
      'mail.markRead',
    ]);
  });
});

describe('ftsQuery', () => {
  it('quotes every word so FTS operators are searched for, not run', () => {
    expect(ftsQuery('cake OR "x" NEAR(y)')).toBe('"cake"* "OR"* "x"* "NEAR"* "y"*');
    expect(ftsQuery('-- ; *')).toBeNull();
    expect(ftsQuery('e-mail -x')).toBe('"e-mail"* "x"*');
  });
});
