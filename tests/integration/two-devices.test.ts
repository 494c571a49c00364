import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../sync/server/storage/postgres';
import { startTestPostgres, type TestPostgres } from '../../sync/server/testing/postgres';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';
import { expectConsistent } from './support/invariants';

/**
 * Two kiosks, offline, each sending a message with the resident's last stamp. The central
 * service is authoritative: exactly one send wins; the other comes back to drafts with its
 * stamps released and the reason shown. Run on SQLite and on PostgreSQL (a throwaway cluster).
 */
describe.each(['sqlite', 'postgres'] as const)(
  'two devices spending the same stamps (%s)',
  (engine) => {
    let cluster: TestPostgres | undefined;
    let central: CentralFixture;

    beforeAll(async () => {
      if (engine === 'postgres') cluster = await startTestPostgres();
      central = await CentralFixture.start(
        cluster ? async () => openPostgresStorage(await cluster!.createDatabase()) : undefined,
      );
    }, 120_000);
    afterAll(async () => {
      await central.stop();
      await cluster?.stop();
    });

    it('exactly one send wins; the other returns to drafts with its stamps released', async () => {
      const residentId = await central.central.resident({ docNumber: 'S900001' }, { stamps: 1 });
      const customerId = await central.customerFor(residentId);
      const kiosks = [
        await SyncedDevice.enroll(central.url, await central.enrollment()),
        await SyncedDevice.enroll(central.url, await central.enrollment()),
      ];
      try {
        for (const kiosk of kiosks) {
          await kiosk.sync.syncNow();
          await kiosk.login('S900001');
        }
        // Both are offline now: each sees the one stamp and reserves it.
        const messageIds: string[] = [];
        for (const kiosk of kiosks) messageIds.push(await kiosk.sendMail(customerId, 'last stamp'));

        const statuses = await Promise.all(kiosks.map((kiosk) => kiosk.syncUntilSettled()));
        for (const status of statuses)
          expect(status).toMatchObject({ state: 'idle', pendingMutations: 0 });
        for (const kiosk of kiosks) await kiosk.sync.syncNow();

        const outcomes = kiosks.map((kiosk) => kiosk.store.outbox.counts());
        // Each kiosk's login (auth.pinSucceeded) is applied, and one of the two sends.
        expect(outcomes.map((counts) => counts.applied).sort()).toEqual([1, 2]);
        const loser = outcomes.findIndex((counts) => counts.rejected === 1);
        const winner = 1 - loser;
        expect(kiosks[loser]!.store.mail.byId(messageIds[loser]!)).toMatchObject({
          status: 'draft',
          statusReason: 'insufficient_stamps',
        });
        expect(kiosks[winner]!.store.mail.byId(messageIds[winner]!)?.status).not.toBe('draft');
        expect(
          kiosks[loser]!.events.some(
            (seen) =>
              seen.event === 'mail.changed' &&
              (seen.payload as { messageIds: string[] }).messageIds.includes(messageIds[loser]!),
          ),
        ).toBe(true);

        const sent = await central.central.storage.all(
          "SELECT id FROM messages WHERE resident_id = ? AND direction = 'outbound'",
          [residentId],
        );
        expect(sent).toHaveLength(1);
        for (const kiosk of kiosks) await expectConsistent(central, kiosk, [residentId]);
        for (const kiosk of kiosks) expect(kiosk.store.stamps.confirmed(residentId)).toBe(0);
      } finally {
        await Promise.all(kiosks.map((kiosk) => kiosk.close()));
      }
    });
  },
);
