import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageDetail, StampHistoryEntry } from '../../electron/contract';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';

/**
 * Refund on rejection, device to ledger: a resident's email sent from a real kiosk backend is
 * rejected by a reviewer of the real central service; at the next sync the kiosk's stamp
 * history shows the stamp returned for that message, its balance is whole again, once, and the
 * letter shows the stamps returned for it.
 */
let central: CentralFixture;
beforeEach(async () => {
  central = await CentralFixture.start();
});
afterEach(() => central.stop());

describe('refund on rejection, device to ledger', () => {
  it("shows the refund of a rejected message in the resident's stamp history, once", async () => {
    const residentId = await central.central.resident({ docNumber: 'S700001' }, { stamps: 5 });
    const customerId = await central.customerFor(residentId);
    const kiosk = await SyncedDevice.enroll(central.url, await central.enrollment());
    try {
      await kiosk.sync.syncNow();
      await kiosk.login('S700001');
      await kiosk.sendMail(customerId, 'See you on Sunday');
      await kiosk.sync.syncNow();
      const message = await central.central.storage.get<{ id: string }>(
        'SELECT id FROM messages WHERE resident_id = ?',
        [residentId],
      );
      const reviewer = await central.central.staff([
        { role: 'reviewer', facilityId: central.facilityId },
      ]);
      const decided = await reviewer.call('POST', `/v1/staff/review/${message!.id}`, {
        decision: 'reject',
        reason: 'security_risk',
      });
      expect(decided.status).toBe(200);
      await kiosk.sync.syncNow();
      await kiosk.sync.syncNow();

      const { entries } = await kiosk.call<{ entries: StampHistoryEntry[] }>('stamps.history', {
        limit: 20,
      });
      const forMessage = entries.filter((entry) => entry.messageId === message!.id);
      expect(forMessage.map((e) => [e.kind, e.stamps, e.status]).sort()).toEqual([
        ['refund', 1, 'confirmed'],
        ['spend', -1, 'confirmed'],
      ]);
      const balance = await kiosk.call<{ confirmed: number }>('stamps.balance', {});
      expect(balance).toMatchObject({ confirmed: 5 });
      // The letter itself says so too, beside its reason.
      const letter = await kiosk.call<MessageDetail>('mail.read', { messageId: message!.id });
      expect(letter).toMatchObject({ status: 'rejected', stampCost: 1, refundedStamps: 1 });
    } finally {
      await kiosk.close();
    }
  });
});
