/**
 * An update is installed only when nobody is using the device: installing restarts the app,
 * which would end a resident's session, interrupt a card or cash payment or a receipt, and
 * could strand changes not yet sent to the central service.
 */
export interface DeviceActivity {
  sessionOpen: boolean;
  paymentInProgress: boolean;
  printInProgress: boolean;
  /** Local changes not yet accepted by the central service. */
  outboxPending: number;
}

/** Why the device may not install now; empty when it may. */
export function installBlockers(activity: DeviceActivity | null): string[] {
  if (!activity) return ['device activity unknown'];
  const blockers: string[] = [];
  if (activity.sessionOpen) blockers.push('a session is open');
  if (activity.paymentInProgress) blockers.push('a payment is in progress');
  if (activity.printInProgress) blockers.push('a receipt is printing');
  if (!Number.isInteger(activity.outboxPending) || activity.outboxPending !== 0) {
    blockers.push('the outbox is not flushed');
  }
  return blockers;
}
