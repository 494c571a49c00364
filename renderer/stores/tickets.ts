import { create } from 'zustand';
import type { Suggestion, TicketMessage, TicketSummary } from '../../electron/contract';
import type { Locale, TicketCategory } from '../../domain/types';
import { api, type UiError } from '../api';
import { actionCaller, busyCaller } from './calls';

interface TicketsState {
  tickets: TicketSummary[];
  current: { ticket: TicketSummary; messages: TicketMessage[] } | null;
  /** Suggestions for the description being written; null until asked for. */
  suggestions: Suggestion[] | null;
  busy: boolean;
  error: UiError | null;
  load(): Promise<void>;
  open(ticketId: string): Promise<void>;
  suggest(description: string, category: TicketCategory, locale: Locale): Promise<void>;
  file(form: {
    tabletSerial: string;
    category: TicketCategory;
    description: string;
  }): Promise<TicketSummary | undefined>;
  reply(body: string): Promise<boolean>;
  clearSuggestions(): void;
  changed(ticketIds: string[]): Promise<void>;
  reset(): void;
}

const initial = { tickets: [], current: null, suggestions: null, busy: false, error: null };

export const useTickets = create<TicketsState>()((set, get) => {
  const run = busyCaller(set);
  const act = actionCaller(set);
  return {
    ...initial,
    async load() {
      await run(async () => set({ tickets: (await api().invoke('tickets.list', {})).tickets }));
    },
    async open(ticketId) {
      await run(async () => set({ current: await api().invoke('tickets.read', { ticketId }) }));
    },
    async suggest(description, category, locale) {
      await run(async () => {
        const { suggestions } = await api().invoke('tickets.suggest', {
          description,
          category,
          locale,
        });
        set({ suggestions });
      });
    },
    async file(form) {
      const shown = (get().suggestions ?? []).map((suggestion) => suggestion.id);
      const ticket = await act((idempotencyKey) =>
        api().invoke('tickets.file', { ...form, suggestionsShown: shown, idempotencyKey }),
      );
      if (ticket) {
        set({ suggestions: null });
        await get().load();
      }
      return ticket;
    },
    async reply(body) {
      const ticketId = get().current?.ticket.id;
      if (!ticketId) return false;
      const message = await act((idempotencyKey) =>
        api().invoke('tickets.reply', { ticketId, body, idempotencyKey }),
      );
      if (!message) return false;
      set((state) =>
        state.current
          ? { current: { ...state.current, messages: [...state.current.messages, message] } }
          : {},
      );
      return true;
    },
    clearSuggestions() {
      set({ suggestions: null });
    },
    async changed(ticketIds) {
      await get().load();
      const current = get().current;
      if (current && ticketIds.includes(current.ticket.id)) await get().open(current.ticket.id);
    },
    reset() {
      set(initial);
    },
  };
});
