import { create } from 'zustand';
import type { Contact, MessageDetail, MessageSummary } from '../../electron/contract';
import { api, type UiError } from '../api';
import { busyCaller, quietCaller } from './calls';

export type Folder = 'inbox' | 'sent' | 'drafts';

const PAGE = 30;

interface MailState {
  folder: Folder;
  messages: MessageSummary[];
  nextCursor: string | null;
  unreadCount: number;
  /** The active search, or null when the folder is listed. */
  query: string | null;
  busy: boolean;
  error: UiError | null;
  current: MessageDetail | null;
  contacts: Contact[];
  /** data: URLs of attachments fetched so far, by attachment id. */
  attachmentUrls: Record<string, string>;
  load(folder: Folder): Promise<void>;
  loadMore(): Promise<void>;
  search(query: string): Promise<void>;
  clearSearch(): Promise<void>;
  open(messageId: string): Promise<void>;
  loadAttachment(attachmentId: string): Promise<void>;
  loadContacts(): Promise<void>;
  /** A mail.changed event: refresh what is on screen. */
  changed(messageIds: string[]): Promise<void>;
  reset(): void;
}

const initial = {
  folder: 'inbox' as Folder,
  messages: [],
  nextCursor: null,
  unreadCount: 0,
  query: null,
  busy: false,
  error: null,
  current: null,
  contacts: [],
  attachmentUrls: {},
};

export const useMail = create<MailState>()((set, get) => {
  const run = busyCaller(set);
  const attempt = quietCaller(set);

  return {
    ...initial,
    load(folder) {
      return run(async () => {
        const page = await api().invoke('mail.list', { folder, limit: PAGE });
        set({
          folder,
          query: null,
          messages: page.messages,
          nextCursor: page.nextCursor,
          unreadCount: page.unreadCount,
        });
      });
    },
    loadMore() {
      const { folder, nextCursor, messages } = get();
      if (!nextCursor) return Promise.resolve();
      return run(async () => {
        const page = await api().invoke('mail.list', { folder, limit: PAGE, before: nextCursor });
        set({ messages: [...messages, ...page.messages], nextCursor: page.nextCursor });
      });
    },
    search(query) {
      const trimmed = query.trim();
      if (!trimmed) return get().clearSearch();
      return run(async () => {
        const { messages } = await api().invoke('mail.search', { query: trimmed, limit: PAGE });
        set({ query: trimmed, messages, nextCursor: null });
      });
    },
    clearSearch() {
      return get().load(get().folder);
    },
    open(messageId) {
      return run(async () => {
        set({ current: null });
        const listed = get().messages.find((m) => m.id === messageId);
        // mail.read marks an unread letter read in the same call: one round trip.
        const message = await api().invoke('mail.read', { messageId });
        set({ current: message });
        if (listed?.direction === 'inbound' && listed.readAt === null) {
          set((state) => ({
            unreadCount: Math.max(0, state.unreadCount - 1),
            messages: state.messages.map((m) =>
              m.id === messageId ? { ...m, readAt: message.readAt } : m,
            ),
          }));
        }
      });
    },
    async loadAttachment(attachmentId) {
      if (get().attachmentUrls[attachmentId]) return;
      await attempt(async () => {
        const { mimeType, dataBase64 } = await api().invoke('mail.attachment', { attachmentId });
        // Only images are shown inline; a data: URL keeps the CSP free of blob: sources.
        if (!mimeType.startsWith('image/')) return;
        const url = `data:${mimeType};base64,${dataBase64}`;
        set((state) => ({ attachmentUrls: { ...state.attachmentUrls, [attachmentId]: url } }));
      });
    },
    async loadContacts() {
      await attempt(async () =>
        set({ contacts: (await api().invoke('mail.contacts', {})).contacts }),
      );
    },
    async changed(messageIds) {
      const { query, folder, current } = get();
      if (query === null) await get().load(folder);
      if (current && messageIds.includes(current.id)) {
        await attempt(async () =>
          set({ current: await api().invoke('mail.read', { messageId: current.id }) }),
        );
      }
    },
    reset() {
      set(initial);
    },
  };
});
