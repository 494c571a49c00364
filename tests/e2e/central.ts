// The central service for sync specs, in the harness process: SQLite, the sample facility and
// residents, one customer writing to the first resident, and an enrolled kiosk store. It can be
// stopped and started again on the same port, so a spec can take the kiosk offline and back.
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { harnessKeySource, openStore } from '../../electron/backend/store';
import { harnessKeyFile } from '../../electron/harness/server';
import { createBackendSync, enrollWithCode } from '../../electron/backend/sync';
import { createCentralServer } from '../../sync/server/app';
import { debit } from '../../sync/server/ledger';
import { inWork } from '../../sync/server/work';
import { createEnrollCode } from '../../sync/server/enrollment';
import { DEMO_PIN, seedSample } from '../../sync/server/seed';
import { openSqliteStorage } from '../../sync/server/storage/sqlite';

const HOST = '127.0.0.1';
const APP_VERSION = '0.1.0';

export async function startCentral(dataDir: string, logger: Logger) {
  const clock = () => new Date();
  const storage = await openSqliteStorage(join(dataDir, 'central.db'));
  const { facilityId, housingUnitId, residentIds } = await seedSample(storage, clock);
  const open = () => createCentralServer({ storage, logger });
  let server: FastifyInstance | null = await open();
  const url = await server.listen({ host: HOST, port: 0 });
  const port = Number(new URL(url).port);

  // A customer registers for the first resident, so the resident has someone to write to.
  const response = await fetch(`${url}/v1/customers/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'maria@example.com',
      password: 'correct horse battery',
      displayName: 'Maria Lopez',
      residentId: residentIds[0],
      acceptedTermsVersion: '2026-01',
    }),
  });
  if (!response.ok) throw new Error(`register answered ${response.status}`);

  const store = openStore(
    join(dataDir, 'homeline.db'),
    harnessKeySource(process.env, harnessKeyFile({ dataDir })),
  );
  try {
    const { code } = await createEnrollCode(storage, clock, {
      facilityId,
      profile: 'kiosk',
      housingUnitId,
      validHours: 1,
    });
    await enrollWithCode(store, {
      serverUrl: url,
      code,
      appVersion: APP_VERSION,
      label: 'e2e kiosk',
      now: () => clock().toISOString(),
    });
  } finally {
    store.close();
  }

  const residents = await storage.all<{ state: string; doc_number: string; badge_id: string }>(
    'SELECT state, doc_number, badge_id FROM residents WHERE facility_id = ? ORDER BY doc_number',
    [facilityId],
  );
  return {
    facilityId,
    appVersion: APP_VERSION,
    syncClient: createBackendSync({
      appVersion: APP_VERSION,
      serverUrl: url,
      intervalMs: 300,
      logger,
    }),
    residents: residents.map((r) => ({
      state: r.state,
      docNumber: r.doc_number,
      badgeToken: r.badge_id,
      pin: DEMO_PIN,
    })),
    async stop() {
      await server?.close();
      server = null;
    },
    async start() {
      if (server) return;
      server = await open();
      await server.listen({ host: HOST, port });
    },
    /** Spends the first resident's stamps on the central side (as another device might). */
    async drainStamps() {
      const owner = { type: 'resident' as const, id: residentIds[0] ?? '' };
      const row = await storage.get<{ stamps: number }>(
        "SELECT stamps FROM balances WHERE owner_type = 'resident' AND owner_id = ?",
        [owner.id],
      );
      await inWork(storage, clock, (work) =>
        debit(work, {
          owner,
          account: 'stamps',
          amount: row?.stamps ?? 0,
          kind: 'adjustment',
          reference: 'e2e-drain',
        }),
      );
    },
    async close() {
      await server?.close();
      await storage.close();
    },
  };
}
