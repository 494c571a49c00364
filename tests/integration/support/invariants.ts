import { expect } from 'vitest';
import type { CentralFixture } from './central';
import type { SyncedDevice } from './device';

/**
 * What must hold after every fault: every mutation the device wrote is settled exactly once
 * (the server holds one outcome per mutation id, the device's outbox agrees), no balance is
 * below zero and every balance equals its ledger, and the device shows the server's balances.
 */
export async function expectConsistent(
  central: CentralFixture,
  device: SyncedDevice,
  residentIds: string[],
) {
  const local = device.store.db
    .prepare<[], { id: string; state: string }>(
      'SELECT mutation_id AS id, state FROM outbox ORDER BY seq',
    )
    .all();
  const remote = await central.mutationsOf(device.deviceId);
  expect(local.filter((row) => row.state === 'pending' || row.state === 'sent')).toEqual([]);
  expect(remote.map((row) => row.id).sort()).toEqual(local.map((row) => row.id).sort());
  for (const row of remote) {
    const outcome = JSON.parse(row.outcome) as { status: string };
    expect(local.find((entry) => entry.id === row.id)?.state).toBe(outcome.status);
  }
  expect(await central.central.ledgerInvariant()).toEqual({ mismatches: [], negatives: 0 });
  for (const residentId of residentIds) {
    const balance = await central.central.storage.get<{ stamps: number }>(
      "SELECT stamps FROM balances WHERE owner_type = 'resident' AND owner_id = ?",
      [residentId],
    );
    expect(device.store.stamps.confirmed(residentId)).toBe(Number(balance?.stamps ?? 0));
    expect(device.store.stamps.reserved(residentId)).toBe(0);
  }
}
