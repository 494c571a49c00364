import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TICKET_TRANSITIONS, TicketFilingSchema, transitionTicket } from './tickets';
import { TICKET_STATUSES } from './types';

describe('support tickets (docs/rules.md Tablets: filed at the kiosk, answered by agents)', () => {
  it('moves queued -> open -> answered -> resolved -> closed, and a reply reopens', () => {
    expect(transitionTicket('queued', 'open')).toEqual({ ok: true, value: 'open' });
    expect(transitionTicket('open', 'answered').ok).toBe(true);
    expect(transitionTicket('answered', 'open').ok).toBe(true);
    expect(transitionTicket('answered', 'resolved').ok).toBe(true);
    expect(transitionTicket('resolved', 'closed').ok).toBe(true);
  });

  it('refuses illegal moves with a typed error; closed is final', () => {
    expect(transitionTicket('queued', 'answered')).toMatchObject({
      ok: false,
      error: { code: 'illegal_transition', from: 'queued', to: 'answered' },
    });
    for (const to of TICKET_STATUSES) expect(transitionTicket('closed', to).ok).toBe(false);
  });

  it('agrees with its table for every pair (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TICKET_STATUSES),
        fc.constantFrom(...TICKET_STATUSES),
        (from, to) => {
          expect(transitionTicket(from, to).ok).toBe(TICKET_TRANSITIONS[from].includes(to));
        },
      ),
    );
  });

  it('validates a filing: serial, category, description', () => {
    expect(
      TicketFilingSchema.parse({
        tabletSerial: ' jp5-00123 ',
        category: 'charging',
        description: ' No carga ',
      }),
    ).toEqual({ tabletSerial: 'JP5-00123', category: 'charging', description: 'No carga' });
    for (const bad of [
      { tabletSerial: 'x', category: 'charging', description: 'No carga' },
      { tabletSerial: 'JP5-00123', category: 'plumbing', description: 'No carga' },
      { tabletSerial: 'JP5-00123', category: 'charging', description: '  ' },
    ]) {
      expect(TicketFilingSchema.safeParse(bad).success).toBe(false);
    }
  });
});
