import { create } from 'zustand';
import type { MessageSummary, StampQuote } from '../../electron/contract';
import { api, toUiError, type UiError } from '../api';
import { actionKey } from './calls';

export interface DraftFields {
  draftId: string | null;
  contactId: string;
  subject: string;
  body: string;
  ecard: boolean;
  replyToMessageId: string | null;
}

interface ComposeState extends DraftFields {
  quote: StampQuote | null;
  busy: boolean;
  error: UiError | null;
  /** Kept apart from `error`: a quote answering late must not hide a failed save. */
  quoteError: UiError | null;
  /** Why the central service refused this draft when it was sent before. */
  refusalReason: string | null;
  /** The message after a send: status `queued` means it waits for the connection. */
  sent: MessageSummary | null;
  savedAt: number | null;
  start(fields?: Partial<DraftFields> & { refusalReason?: string | null }): void;
  edit(fields: Partial<Pick<DraftFields, 'subject' | 'body'>>): void;
  choose(fields: Partial<Pick<DraftFields, 'contactId' | 'ecard'>>): Promise<void>;
  requote(): Promise<void>;
  saveDraft(): Promise<string | null>;
  send(): Promise<boolean>;
  deleteDraft(): Promise<void>;
}

const empty: DraftFields = {
  draftId: null,
  contactId: '',
  subject: '',
  body: '',
  ecard: false,
  replyToMessageId: null,
};

/** The draft as the contract takes it, for saving or for sending straight away. */
function draftInput({ draftId, contactId, subject, body, ecard, replyToMessageId }: DraftFields) {
  return {
    contactId,
    subject,
    body,
    ecard,
    ...(draftId ? { draftId } : {}),
    ...(replyToMessageId ? { replyToMessageId } : {}),
  };
}

/** The message being written: its fields, its stamp quote, and saving and sending it. */
/** The send's idempotency key: a double tap or a resent call sends one message. */
const sendKey = actionKey();

export const useCompose = create<ComposeState>()((set, get) => ({
  ...empty,
  quote: null,
  busy: false,
  error: null,
  quoteError: null,
  refusalReason: null,
  sent: null,
  savedAt: null,
  start(fields = {}) {
    const { refusalReason = null, ...draft } = fields;
    set({
      ...empty,
      ...draft,
      refusalReason,
      quote: null,
      error: null,
      quoteError: null,
      sent: null,
      savedAt: null,
    });
    if (draft.contactId) void get().requote();
  },
  edit(fields) {
    set({ ...fields, savedAt: null });
  },
  async choose(fields) {
    set({ ...fields, savedAt: null });
    await get().requote();
  },
  async requote() {
    const { contactId, ecard, replyToMessageId } = get();
    if (!contactId) return set({ quote: null });
    try {
      const quote = await api().invoke('stamps.quote', {
        contactId,
        ecard,
        ...(replyToMessageId ? { replyToMessageId } : {}),
      });
      // A later choice may have replaced the one this quote is for.
      if (get().contactId === contactId && get().ecard === ecard) set({ quote, quoteError: null });
    } catch (error) {
      set({ quote: null, quoteError: toUiError(error) });
    }
  },
  async saveDraft() {
    if (get().busy) return null;
    set({ busy: true, error: null });
    try {
      const saved = await api().invoke('mail.saveDraft', draftInput(get()));
      set({ draftId: saved.draftId, busy: false, savedAt: Date.now() });
      return saved.draftId;
    } catch (error) {
      set({ busy: false, error: toUiError(error) });
      return null;
    }
  },
  async send() {
    // Refused synchronously while a save or send is under way: a double tap sends once.
    if (get().busy) return false;
    set({ busy: true, error: null });
    try {
      // The fields travel with the send: saved and sent in one call and one transaction.
      const { message } = await api().invoke('mail.send', {
        ...draftInput(get()),
        idempotencyKey: sendKey.current,
      });
      sendKey.renew();
      set({ ...empty, busy: false, sent: message, quote: null, refusalReason: null });
      return true;
    } catch (error) {
      set({ busy: false, error: toUiError(error) });
      return false;
    }
  },
  async deleteDraft() {
    const { draftId } = get();
    try {
      if (draftId) await api().invoke('mail.deleteDraft', { draftId });
      set({ ...empty, quote: null, refusalReason: null });
    } catch (error) {
      set({ error: toUiError(error) });
    }
  },
}));
