import { describe, expect, it, vi } from 'vitest';
import { detail, residentSession, summary } from '../testing/fixtures';
import { connect } from '../testing/render';
import { useMail } from './mail';
import { useSession } from './session';

const inbox = [
  summary({ id: 'm1', subject: 'Visit on Sunday' }),
  summary({ id: 'm2', subject: 'Photos from home', readAt: '2026-11-24T10:00:00.000Z' }),
];

function backend() {
  const read = new Set<string>();
  return connect({
    'mail.list': ({ before }) => ({
      messages: before ? [summary({ id: 'm3', subject: 'Older' })] : inbox,
      nextCursor: before ? null : 'cursor-1',
      unreadCount: 1 - read.size,
    }),
    'mail.search': ({ query }) => ({
      messages: inbox.filter((m) => m.subject.toLowerCase().includes(query.toLowerCase())),
    }),
    // Like the backend: opening a letter marks it read in the same call.
    'mail.read': ({ messageId }) => {
      read.add(messageId);
      return detail({ id: messageId, readAt: '2026-11-25T09:00:00.000Z' });
    },
    'mail.attachment': () => ({ mimeType: 'image/png', dataBase64: 'iVBORw0KGgo=' }),
  });
}

describe('mail store', () => {
  it('lists a folder and pages older messages with the cursor', async () => {
    const { bridge } = backend();
    await useMail.getState().load('inbox');
    expect(useMail.getState()).toMatchObject({ unreadCount: 1, nextCursor: 'cursor-1' });
    await useMail.getState().loadMore();
    expect(useMail.getState().messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(bridge.calls.at(-1)?.input).toEqual({ folder: 'inbox', limit: 30, before: 'cursor-1' });
  });

  it('searches, then clears the search back to the folder', async () => {
    backend();
    await useMail.getState().search('  photos ');
    expect(useMail.getState().query).toBe('photos');
    expect(useMail.getState().messages.map((m) => m.id)).toEqual(['m2']);
    await useMail.getState().clearSearch();
    expect(useMail.getState().query).toBeNull();
    expect(useMail.getState().messages).toHaveLength(2);
  });

  it('treats a blank search as no search (the contract refuses an empty query)', async () => {
    const { bridge } = backend();
    await useMail.getState().search('   ');
    expect(bridge.calls.map((c) => c.method)).toEqual(['mail.list']);
    expect(useMail.getState().error).toBeNull();
  });

  it('opens an unread letter in one call, which marks it read; the count drops once', async () => {
    const { bridge } = backend();
    await useMail.getState().load('inbox');
    await useMail.getState().open('m1');
    expect(useMail.getState().unreadCount).toBe(0);
    expect(useMail.getState().messages[0]?.readAt).not.toBeNull();
    await useMail.getState().open('m1');
    expect(useMail.getState().unreadCount).toBe(0);
    expect(bridge.calls.filter((c) => c.method !== 'mail.list').map((c) => c.method)).toEqual([
      'mail.read',
      'mail.read',
    ]);
  });

  it('fetches a photo attachment once, as a data URL', async () => {
    const { bridge } = backend();
    await useMail.getState().loadAttachment('a1');
    await useMail.getState().loadAttachment('a1');
    expect(useMail.getState().attachmentUrls.a1).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(bridge.calls.filter((c) => c.method === 'mail.attachment')).toHaveLength(1);
  });

  it('refreshes the open message when a mail.changed event names it', async () => {
    const { bridge } = backend();
    await useMail.getState().open('m2');
    useSession.setState({ session: residentSession });
    bridge.emit('mail.changed', { messageIds: ['m2'] });
    await vi.waitFor(() =>
      expect(bridge.calls.filter((c) => c.method === 'mail.read')).toHaveLength(2),
    );
  });

  it('ignores mail events when nobody is logged in', async () => {
    const { bridge } = backend();
    bridge.emit('mail.changed', { messageIds: ['m2'] });
    await Promise.resolve();
    expect(bridge.calls).toEqual([]);
  });
});
