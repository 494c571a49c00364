import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralFixture } from './support/central';
import { CentralProcess, centralCommand } from './support/central-process';
import { SyncedDevice } from './support/device';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { expectConsistent } from './support/invariants';

/**
 * The central service as a child process, killed with SIGKILL while a push is in flight and
 * started again on the same database: the device retries and nothing is lost or applied twice.
 */
let dir: string;
let dbPath: string;
let proxy: FaultProxy;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeline-kill-'));
  dbPath = join(dir, 'central.db');
  centralCommand(['seed', '--sample', '--db', dbPath]);
});
afterAll(async () => {
  await proxy?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('central service killed during a push', () => {
  it('restarts; the device finishes with every mutation applied exactly once', async () => {
    const code = /^([A-Z0-9-]+)\s/.exec(
      centralCommand([
        'enroll-code',
        '--db',
        dbPath,
        '--facility',
        'fl-suwannee-ci',
        '--profile',
        'kiosk',
        '--unit',
        'sample-unit-a',
      ]),
    )![1]!;
    let server = await CentralProcess.start(dbPath);
    proxy = await startFaultProxy(server.url);
    const device = await SyncedDevice.enroll(
      server.url,
      { code, facilityId: 'fl-suwannee-ci' },
      { syncUrl: proxy.url, pushBatchSize: 20, timeoutMs: 2_000 },
    );
    try {
      await device.sync.syncNow();
      const residentId = 'demo-resident-1';
      const at = new Date().toISOString();
      device.store.transaction(() => {
        for (let i = 0; i < 200; i += 1) {
          device.store.outbox.enqueue('auth.pinSucceeded', { residentId, at }, at);
          if (i % 20 === 0) {
            device.store.outbox.enqueue(
              'stamps.purchase',
              { purchaseId: randomUUID(), residentId, bundleId: 'bundle-5' },
              at,
            );
          }
        }
      });

      // The third push goes through to the server, which dies a moment later, mid-request.
      let pushes = 0;
      let killed: Promise<void> | undefined;
      proxy.plan = ({ path }) => {
        if (path === '/v1/push' && (pushes += 1) === 3) {
          setTimeout(() => {
            killed = server.stop('SIGKILL');
          }, 1);
        }
        return { kind: 'pass' };
      };
      const during = await device.sync.syncNow();
      expect(during.state).not.toBe('idle');
      expect(device.store.outbox.counts().applied).toBeLessThan(210);
      await killed;

      server = await CentralProcess.start(dbPath);
      proxy.target = server.url;
      expect(await device.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
      await device.sync.syncNow();
      await server.stop();

      const central = await CentralFixture.open(dbPath, dir);
      try {
        await expectConsistent(central, device, [residentId]);
        expect(device.store.outbox.counts()).toMatchObject({ applied: 210, rejected: 0 });
      } finally {
        await central.central.stop();
        await central.central.storage.close();
      }
    } finally {
      await device.close();
      await server.stop();
    }
  }, 90_000);
});
