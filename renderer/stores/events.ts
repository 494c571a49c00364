import type { HomelineApi } from '../../electron/contract';
import { resetLanguage } from '../i18n';
import { useAccount } from './account';
import { useCompose } from './compose';
import { useHardware } from './hardware';
import { useMail } from './mail';
import { useMaintenance } from './maintenance';
import { useNavigation } from './navigation';
import { useSession } from './session';
import { useStamps } from './stamps';
import { useSync } from './sync';
import { useTickets } from './tickets';

/** Forgets everything a person saw, so the next person at the kiosk starts clean. */
function clearPersonalData(): void {
  useMail.getState().reset();
  useCompose.getState().start();
  useStamps.getState().reset();
  useTickets.getState().reset();
  useAccount.getState().reset();
  useMaintenance.getState().reset();
  useHardware.getState().reset();
  useNavigation.getState().go('home');
  useNavigation.getState().closeMaintenance();
  resetLanguage();
}

/** Ends the session on the backend and wipes the screen for the next person. */
export async function logOut(): Promise<void> {
  try {
    await useSession.getState().logout();
  } finally {
    clearPersonalData();
  }
}

/** Routes every backend event to the store that owns it. Returns the unsubscribe. */
export function subscribeToEvents(api: HomelineApi): () => void {
  const offs = [
    api.on('sync.status', (status) => useSync.getState().set(status)),
    api.on('session.expiring', ({ secondsLeft }) => useSession.getState().expiring(secondsLeft)),
    api.on('session.ended', ({ reason }) => {
      useSession.getState().ended(reason);
      clearPersonalData();
    }),
    api.on('mail.changed', ({ messageIds }) => {
      if (useSession.getState().session?.resident) void useMail.getState().changed(messageIds);
    }),
    api.on('stamps.changed', () => {
      if (!useSession.getState().session?.resident) return;
      void useStamps.getState().loadBalance();
      void useStamps.getState().loadHistory();
    }),
    api.on('tickets.changed', ({ ticketIds }) => {
      if (useSession.getState().session?.resident) void useTickets.getState().changed(ticketIds);
    }),
    api.on('hardware.cardRead', (card) => useHardware.getState().cardRead(card)),
    api.on('hardware.cardError', ({ code }) => useHardware.getState().cardError(code)),
    api.on('hardware.bill', (payload) => useHardware.getState().bill(payload)),
    api.on('payment.cashSettled', (settlement) => useHardware.getState().cashSettled(settlement)),
    api.on('hardware.badge', ({ badgeToken }) => {
      useHardware.getState().badge(badgeToken);
      useSession.getState().clearError();
    }),
    api.on('hardware.printer', (payload) => useHardware.getState().printerChanged(payload)),
  ];
  return () => offs.forEach((off) => off());
}
