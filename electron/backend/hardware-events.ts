import type { CardResult, EventName, EventPayload } from '../contract';
import type { LiveConnection } from './connection';
import type { BackendCore } from './context';
import type { Broadcast } from './ports';

/**
 * Where each hardware event goes. A card read (brand, last four, token) and a card error go
 * only to the connection that started the card read, a bill event only to the one that started
 * that cash session; a badge scan only to kiosk connections where nobody is signed in (the login
 * screen). Health and printer status concern every screen.
 */
export function hardwareEventSink(
  core: Pick<BackendCore, 'profile' | 'payments' | 'cardReads' | 'cashPurposes'>,
  connections: ReadonlyMap<string, LiveConnection>,
): Broadcast {
  const to = (ids: (string | null | undefined)[]) =>
    ids.flatMap((id) => {
      const connection = id ? connections.get(id) : undefined;
      return connection ? [connection] : [];
    });
  const recipients = (event: EventName, payload: unknown): LiveConnection[] => {
    switch (event) {
      case 'hardware.cardRead':
        core.cardReads.remember(payload as CardResult);
        return to([core.payments.cardOwner()]);
      case 'hardware.cardError':
        return to([core.payments.cardOwner()]);
      case 'hardware.bill': {
        const { session } = payload as EventPayload<'hardware.bill'>;
        // a bill moving means someone is at the kiosk: the walk-away timer starts again
        core.cashPurposes.touch(session.cashSessionId);
        return to([core.payments.cashOwner(session.cashSessionId)]);
      }
      case 'hardware.badge':
        // badges sign residents in on housing-unit kiosks; nothing else has a badge login
        return core.profile === 'kiosk'
          ? [...connections.values()].filter((connection) => !connection.sessionOpen())
          : [];
      default:
        return [...connections.values()];
    }
  };
  return <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const connection of recipients(event, payload)) connection.emitEvent(event, payload);
  };
}
