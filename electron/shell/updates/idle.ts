import type { DeviceActivity } from '../../backend';

export type { DeviceActivity };

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
