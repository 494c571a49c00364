import { beforeEach, describe, expect, it } from 'vitest';
import { Refusal } from '../testing/fake-bridge';
import { quote, summary } from '../testing/fixtures';
import { connect } from '../testing/render';
import { useCompose } from './compose';

describe('compose store', () => {
  let stamps = 3;
  beforeEach(() => {
    stamps = 3;
  });

  function backend(online: boolean) {
    return connect({
      'stamps.quote': ({ ecard, replyToMessageId }) => {
        const total = ecard ? 3 : 1;
        const fromPrepaid = replyToMessageId ? 1 : 0;
        return quote({
          lines: ecard
            ? [
                { feature: 'email', count: 1, stamps: 1 },
                { feature: 'ecard', count: 1, stamps: 2 },
              ]
            : [{ feature: 'email', count: 1, stamps: 1 }],
          total,
          fromPrepaid,
          fromBalance: total - fromPrepaid,
          available: stamps,
          sufficient: total - fromPrepaid <= stamps,
        });
      },
      'mail.saveDraft': ({ draftId }) => ({ draftId: draftId ?? 'draft-1' }),
      'mail.send': (input) => {
        if (stamps < 1) {
          throw new Refusal({ code: 'insufficient_stamps', message: 'not enough' });
        }
        stamps -= 1;
        return {
          message: summary({
            id: 'draftId' in input && input.draftId ? input.draftId : 'draft-1',
            direction: 'outbound',
            status: online ? 'sent' : 'queued',
          }),
          fromPrepaid: 0,
          fromBalance: 1,
        };
      },
      'mail.deleteDraft': () => ({}),
    });
  }

  it('quotes the stamp cost per feature as soon as a contact is chosen, and again for an eCard', async () => {
    backend(true);
    await useCompose.getState().choose({ contactId: 'c-1' });
    expect(useCompose.getState().quote?.total).toBe(1);
    await useCompose.getState().choose({ ecard: true });
    expect(useCompose.getState().quote?.lines.map((line) => line.feature)).toEqual([
      'email',
      'ecard',
    ]);
    expect(useCompose.getState().quote?.total).toBe(3);
  });

  it('uses prepaid reply stamps when replying to the customer who sent them', async () => {
    const { bridge } = backend(true);
    useCompose.getState().start({ contactId: 'c-1', replyToMessageId: 'msg-9', subject: 'Re: hi' });
    await useCompose.getState().requote();
    expect(useCompose.getState().quote).toMatchObject({ fromPrepaid: 1, fromBalance: 0 });
    expect(bridge.calls.filter((c) => c.method === 'stamps.quote').at(-1)?.input).toEqual({
      contactId: 'c-1',
      ecard: false,
      replyToMessageId: 'msg-9',
    });
  });

  it('sends the fields in one call; offline the message comes back queued (pending)', async () => {
    const { bridge } = backend(false);
    useCompose.getState().start({ contactId: 'c-1' });
    useCompose.getState().edit({ subject: 'Hi', body: 'See you Sunday' });
    expect(await useCompose.getState().send()).toBe(true);
    expect(useCompose.getState().sent?.status).toBe('queued');
    expect(useCompose.getState().body).toBe('');
    // Two contract calls in all: the quote when the contact was chosen, and the send.
    expect(bridge.calls.map((c) => c.method)).toEqual(['stamps.quote', 'mail.send']);
    expect(bridge.calls[1]?.input).toMatchObject({
      contactId: 'c-1',
      subject: 'Hi',
      body: 'See you Sunday',
    });
  });

  it('keeps the draft and shows the reason when the send is refused', async () => {
    backend(true);
    stamps = 0;
    useCompose.getState().start({ contactId: 'c-1' });
    useCompose.getState().edit({ body: 'Hello' });
    expect(await useCompose.getState().send()).toBe(false);
    expect(useCompose.getState()).toMatchObject({
      body: 'Hello',
      sent: null,
      error: { code: 'insufficient_stamps' },
    });
  });

  it('reopens a refused draft with its reason, and deleting it clears the form', async () => {
    const { bridge } = backend(true);
    useCompose.getState().start({
      draftId: 'draft-7',
      contactId: 'c-1',
      body: 'Back from review',
      refusalReason: 'insufficient_stamps',
    });
    expect(useCompose.getState().refusalReason).toBe('insufficient_stamps');
    await useCompose.getState().deleteDraft();
    expect(useCompose.getState()).toMatchObject({ draftId: null, body: '', refusalReason: null });
    expect(bridge.calls.at(-1)).toEqual({
      method: 'mail.deleteDraft',
      input: { draftId: 'draft-7' },
    });
  });

  it('refuses an over-long body at the contract boundary and keeps the text', async () => {
    backend(true);
    useCompose.getState().start({ contactId: 'c-1' });
    useCompose.getState().edit({ body: 'x'.repeat(10_001) });
    expect(await useCompose.getState().saveDraft()).toBeNull();
    expect(useCompose.getState().error?.code).toBe('invalid_input');
    expect(useCompose.getState().body).toHaveLength(10_001);
  });
});
