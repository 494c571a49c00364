import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChargebackKind } from '../../domain/blocks';
import { makeDeposit } from '../../sync/server/deposits';
import { loadFacility } from '../../sync/server/facilities';
import { inWork } from '../../sync/server/work';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';

/**
 * Chargeback blocks decided by the central service reach the devices: a housing-unit kiosk shows
 * them in `account.status`, a lobby kiosk refuses card deposits in `lobby.quoteDeposit`, and both
 * lift once the server settles the chargeback.
 */
let central: CentralFixture;

beforeAll(async () => {
  central = await CentralFixture.start();
});
afterAll(() => central.stop());

/** A resident who received a deposit from a customer, charged back with the admin API. */
async function chargedBack(docNumber: string, kind: ChargebackKind) {
  const residentId = await central.central.resident({ docNumber });
  const customerId = await central.customerFor(residentId);
  const depositId = randomUUID();
  await inWork(central.central.storage, central.central.clock, async (work) =>
    makeDeposit(work, await loadFacility(work.tx, central.facilityId), {
      depositId,
      residentId,
      customerId,
      channel: kind === 'bank_card' ? 'bank_card' : 'money_order',
      amountCents: 5_000,
    }),
  );
  const chargebackId = randomUUID();
  const answer = await central.central.admin('POST', '/v1/admin/chargebacks', {
    chargebackId,
    depositId,
    kind,
    amountCents: 5_000,
  });
  expect(answer.status).toBe(201);
  return { residentId, chargebackId };
}

async function settle(chargebackId: string) {
  const answer = await central.central.admin(
    'POST',
    `/v1/admin/chargebacks/${chargebackId}/settle`,
    { resolution: 'settled' },
  );
  expect(answer.status).toBe(200);
}

interface AccountStatus {
  blocks: { code: string }[];
  allowedChannels: string[];
}
interface Quote {
  allowed: boolean;
  blockReasons: string[];
}

describe('chargeback blocks pulled from the central service', () => {
  it('block card deposits on the kiosk and in the lobby, and lift when settled', async () => {
    const card = await chargedBack('S920001', 'bank_card');
    const paper = await chargedBack('S920002', 'money_order');
    const kiosk = await SyncedDevice.enroll(central.url, await central.enrollment());
    const lobby = await SyncedDevice.enroll(central.url, await central.enrollment('lobby'), {
      profile: 'lobby',
    });
    try {
      for (const device of [kiosk, lobby]) await device.syncUntilSettled();
      await kiosk.login('S920001');
      const status = await kiosk.call<AccountStatus>('account.status');
      expect(status.blocks.map((block) => block.code)).toEqual(['resident_card_chargeback']);
      expect(status.allowedChannels).not.toContain('kiosk_card');
      expect(status.allowedChannels).toContain('kiosk_cash');

      const quote = (residentId: string, channel: 'kiosk_card' | 'kiosk_cash') =>
        lobby.call<Quote>('lobby.quoteDeposit', { residentId, channel, amountCents: 2_000 });
      expect(await quote(card.residentId, 'kiosk_card')).toMatchObject({
        allowed: false,
        blockReasons: ['resident_card_chargeback'],
      });
      expect(await quote(paper.residentId, 'kiosk_card')).toMatchObject({
        allowed: false,
        blockReasons: ['resident_money_order_chargeback'],
      });
      expect(await quote(card.residentId, 'kiosk_cash')).toMatchObject({ allowed: true });

      await settle(card.chargebackId);
      await settle(paper.chargebackId);
      for (const device of [kiosk, lobby]) await device.sync.syncNow();
      const lifted = await kiosk.call<AccountStatus>('account.status');
      expect(lifted.blocks).toEqual([]);
      expect(lifted.allowedChannels).toContain('kiosk_card');
      for (const residentId of [card.residentId, paper.residentId]) {
        expect(await quote(residentId, 'kiosk_card')).toMatchObject({
          allowed: true,
          blockReasons: [],
        });
      }
    } finally {
      await kiosk.close();
      await lobby.close();
    }
  });
});
