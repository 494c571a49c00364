import { describe, expect, it } from 'vitest';
import type { TicketSummary } from '../../electron/contract';
import { NOW } from '../testing/fixtures';
import { connect } from '../testing/render';
import { useTickets } from './tickets';

const ticket: TicketSummary = {
  id: 't1',
  tabletSerial: 'TAB-0001',
  category: 'charging',
  description: 'The tablet does not charge at night',
  status: 'queued',
  createdAt: NOW,
  updatedAt: NOW,
  unreadReplies: 0,
};

describe('tickets store', () => {
  it('files a ticket naming the suggestions that were shown first', async () => {
    const filed: TicketSummary[] = [];
    const { bridge } = connect({
      'tickets.suggest': ({ locale }) => ({
        suggestions: [
          {
            id: 'kb-charging-1',
            category: 'charging',
            title: locale === 'es' ? 'Revise el cable' : 'Check the cable',
            steps: ['Unplug', 'Plug in again'],
            score: 3,
          },
        ],
      }),
      'tickets.file': (input) => {
        const saved = { ...ticket, ...input };
        filed.push(saved);
        return saved;
      },
      'tickets.list': () => ({ tickets: filed }),
    });
    await useTickets.getState().suggest('The tablet does not charge', 'charging', 'es');
    expect(useTickets.getState().suggestions?.[0]?.title).toBe('Revise el cable');
    const result = await useTickets.getState().file({
      tabletSerial: 'TAB-0001',
      category: 'charging',
      description: 'The tablet does not charge at night',
    });
    expect(result?.id).toBe('t1');
    expect(bridge.calls.find((c) => c.method === 'tickets.file')?.input).toMatchObject({
      suggestionsShown: ['kb-charging-1'],
    });
    expect(useTickets.getState().tickets).toHaveLength(1);
    expect(useTickets.getState().suggestions).toBeNull();
  });

  it('keeps the form when the description is too short for the contract', async () => {
    connect({ 'tickets.list': () => ({ tickets: [] }) });
    const result = await useTickets.getState().file({
      tabletSerial: 'TAB-0001',
      category: 'other',
      description: 'short',
    });
    expect(result).toBeUndefined();
    expect(useTickets.getState().error?.code).toBe('invalid_input');
  });

  it('appends a reply to the open conversation', async () => {
    connect({
      'tickets.read': () => ({ ticket, messages: [] }),
      'tickets.reply': ({ body }) => ({
        id: 'r1',
        author: 'resident',
        body,
        at: NOW,
        delivered: false,
      }),
    });
    await useTickets.getState().open('t1');
    expect(await useTickets.getState().reply('Still broken')).toBe(true);
    expect(useTickets.getState().current?.messages.map((m) => m.body)).toEqual(['Still broken']);
  });
});
