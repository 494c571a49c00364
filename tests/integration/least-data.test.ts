import { createHmac } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localPinHash } from '../../electron/backend/sync/apply';
import { loadFacility } from '../../sync/server/facilities';
import { openPostgresStorage } from '../../sync/server/storage/postgres';
import { TEST_UNIT } from '../../sync/server/testing/central';
import type { TestDevice } from '../../sync/server/testing/device';
import { insertReleasedEmail } from '../../sync/server/testing/mail';
import { startTestPostgres, type TestPostgres } from '../../sync/server/testing/postgres';
import { inWork } from '../../sync/server/work';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';

/**
 * Least data per device, against the real central service on SQLite and on PostgreSQL: after a
 * sync, each profile's device file holds only what a person can use there. A housing-unit kiosk
 * holds the credentials of its unit's residents, a tablet those of its resident, a lobby kiosk
 * none at all; badge codes only as keyed hashes. A resident moved, released or given another
 * tablet leaves nothing behind on the device they left. Hostile devices asking for more are
 * refused by the service.
 */

const UNIT_B = 'least-data-unit-b';

interface Person {
  id: string;
  docNumber: string;
  firstName: string;
  lastName: string;
  badge: string;
  mail: { subject: string; body: string };
}

/** Every cell of every table (FTS shadow tables included) that contains one of `values`. */
function cellsHolding(db: Database, values: readonly string[]): string[] {
  const tables = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .all();
  const needles = values.flatMap((value) => [value, value.toLowerCase()]);
  const found: string[] = [];
  for (const { name } of tables) {
    for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
      for (const [column, cell] of Object.entries(row)) {
        const text = Buffer.isBuffer(cell) ? cell.toString('latin1') : String(cell);
        for (const needle of needles)
          if (text.includes(needle)) found.push(`${name}.${column} holds ${needle}`);
      }
    }
  }
  return found;
}

/**
 * What would identify the person or let someone sign in as them: none may remain. The PIN hash
 * in the service's form and in the device's (hex hash and salt).
 */
function tracesOf(person: Person, pinHash?: string): string[] {
  const local = pinHash ? localPinHash(pinHash) : undefined;
  return [
    person.id,
    person.docNumber,
    person.firstName,
    person.lastName,
    person.badge,
    person.mail.subject,
    person.mail.body,
    ...(pinHash ? [pinHash] : []),
    ...(local ? [local.hash, local.salt] : []),
  ];
}

function residentIds(device: SyncedDevice): string[] {
  return device.store.db
    .prepare<[], { id: string }>('SELECT id FROM residents ORDER BY id')
    .all()
    .map((row) => row.id);
}

function credentialIds(device: SyncedDevice): string[] {
  return device.store.db
    .prepare<[], { id: string }>('SELECT resident_id AS id FROM resident_credentials ORDER BY 1')
    .all()
    .map((row) => row.id);
}

/**
 * What a pull of one scope gives the device: refused (403), or the number of pages. A resident's
 * scope out of reach gives no page at all, as a resident who does not exist.
 */
async function pulled(device: TestDevice, kind: string, id: string): Promise<number | string> {
  const answer = await device.request<{ pages: unknown[] }>('POST', '/v1/pull', {
    scopes: [{ scope: { kind, id }, cursor: null }],
  });
  return answer.status === 200 ? `${answer.body.pages.length} page(s)` : answer.status;
}

describe.each(['sqlite', 'postgres'] as const)('least data per device (%s)', (engine) => {
  let cluster: TestPostgres | undefined;
  let central: CentralFixture;
  let badgeKey: Buffer;
  const people: Record<'alba' | 'bruno' | 'celia', Person> = {
    alba: person('S710001', 'Alba', 'Quintero', 'BADGE-710001', 'Abuela Quintero te manda besos'),
    bruno: person('S710002', 'Bruno', 'Zavala', 'BADGE-710002', 'Zavala family reunion photos'),
    celia: person('S710003', 'Celia', 'Ybarra', 'BADGE-710003', 'Ybarra garden is blooming'),
  };

  function person(
    docNumber: string,
    firstName: string,
    lastName: string,
    badge: string,
    text: string,
  ): Person {
    return {
      id: '',
      docNumber,
      firstName,
      lastName,
      badge,
      mail: { subject: `${text}!`, body: `${text}, querida ${firstName}.` },
    };
  }

  const pinHashOf = async (residentId: string) =>
    (
      await central.central.storage.get<{ pin_hash: string }>(
        'SELECT pin_hash FROM residents WHERE id = ?',
        [residentId],
      )
    )?.pin_hash;

  beforeAll(async () => {
    if (engine === 'postgres') cluster = await startTestPostgres();
    central = await CentralFixture.start(
      cluster ? async () => openPostgresStorage(await cluster!.createDatabase()) : undefined,
    );
    const unit = await central.central.admin('PUT', '/v1/admin/housing-units', {
      id: UNIT_B,
      facilityId: central.facilityId,
      name: 'Unit B',
    });
    expect(unit.status).toBe(200);
    const placement = { alba: TEST_UNIT, bruno: UNIT_B, celia: TEST_UNIT };
    for (const key of ['alba', 'bruno', 'celia'] as const) {
      const who = people[key];
      who.id = await central.central.resident({
        docNumber: who.docNumber,
        firstName: who.firstName,
        lastName: who.lastName,
        badgeId: who.badge,
        housingUnitId: placement[key],
        tabletSerial: key === 'alba' ? 'TAB-710001' : null,
      });
      const customerId = await central.customerFor(who.id, `${who.lastName} Family`);
      await inWork(central.central.storage, central.central.clock, async (work) =>
        insertReleasedEmail(work, {
          facility: await loadFacility(work.tx, central.facilityId),
          residentId: who.id,
          customerId,
          ...who.mail,
        }),
      );
    }
    const key = await central.central.storage.get<{ secret: string }>(
      'SELECT secret FROM badge_keys WHERE facility_id = ?',
      [central.facilityId],
    );
    badgeKey = Buffer.from(key!.secret, 'base64url');
  }, 120_000);
  afterAll(async () => {
    await central.stop();
    await cluster?.stop();
  });

  const keyedHash = (badge: string) =>
    createHmac('sha256', badgeKey).update(badge).digest('base64url');

  it('a housing-unit kiosk holds its unit only; a moved resident leaves nothing and arrives in the new unit', async () => {
    const { alba, bruno, celia } = people;
    const kioskA = await SyncedDevice.enroll(central.url, await central.enrollment('kiosk'));
    const kioskB = await SyncedDevice.enroll(
      central.url,
      await central.enrollment('kiosk', UNIT_B),
    );
    try {
      await kioskA.sync.syncNow();
      expect(residentIds(kioskA)).toEqual([alba.id, celia.id].sort());
      expect(credentialIds(kioskA)).toEqual([alba.id, celia.id].sort());
      expect(cellsHolding(kioskA.store.db, tracesOf(bruno, await pinHashOf(bruno.id)))).toEqual([]);
      // Badge codes only as keyed hashes: the hash under the service's key, never the code.
      const badges = kioskA.store.db
        .prepare<[], { badge_hash: string }>('SELECT badge_hash FROM residents ORDER BY id')
        .all()
        .map((row) => row.badge_hash);
      expect(badges).toEqual(
        [alba, celia].sort((a, b) => a.id.localeCompare(b.id)).map((p) => keyedHash(p.badge)),
      );
      expect(cellsHolding(kioskA.store.db, [alba.badge, celia.badge])).toEqual([]);
      // A scanned badge still signs in: hashed with the key, then looked up.
      await kioskA.call('auth.login', { method: 'badge', badgeToken: alba.badge, pin: '1234' });
      await kioskA.call('auth.logout');
      expect(kioskA.store.mail.search(alba.id, `"${alba.lastName}"`, 10)).toHaveLength(1);

      // Alba moves to unit B: kiosk A deletes everything of hers; kiosk B receives her.
      const albaPin = await pinHashOf(alba.id);
      const before = cellsHolding(kioskA.store.db, tracesOf(alba, albaPin)).join('\n');
      for (const where of ['residents.last_name', 'resident_credentials.pin_hash', 'messages.body'])
        expect(before).toContain(where); // the search finds what is there
      const moved = await central.central.admin('POST', `/v1/staff/residents/${alba.id}/housing`, {
        housingUnitId: UNIT_B,
      });
      expect(moved.status).toBe(204);
      expect(await kioskA.syncUntilSettled()).toMatchObject({ state: 'idle', lastError: null });
      expect(residentIds(kioskA)).toEqual([celia.id]);
      expect(credentialIds(kioskA)).toEqual([celia.id]);
      expect(cellsHolding(kioskA.store.db, tracesOf(alba, albaPin))).toEqual([]);
      expect(kioskA.store.sync.cursor(`resident:${alba.id}`)).toBeUndefined();
      expect(kioskA.store.mail.search(alba.id, `"${alba.lastName}"`, 10)).toEqual([]);
      await expect(kioskA.login(alba.docNumber)).rejects.toThrow(/invalid_credentials/);

      await kioskB.sync.syncNow();
      expect(residentIds(kioskB)).toEqual([alba.id, bruno.id].sort());
      expect(kioskB.store.mail.search(alba.id, `"${alba.lastName}"`, 10)).toHaveLength(1);
      await kioskB.login(alba.docNumber);
    } finally {
      await kioskA.close();
      await kioskB.close();
    }
  });

  it('a tablet holds its resident only, and nothing of them once the tablet is reassigned', async () => {
    const { celia } = people;
    const residentId = await central.central.resident({
      docNumber: 'S710009',
      firstName: 'Dora',
      lastName: 'Xiquena',
      badgeId: 'BADGE-710009',
      tabletSerial: 'TAB-710009',
    });
    const dora: Person = {
      ...person('S710009', 'Dora', 'Xiquena', 'BADGE-710009', 'Xiquena cousins say hello'),
      id: residentId,
    };
    const customerId = await central.customerFor(residentId, 'Xiquena Family');
    await inWork(central.central.storage, central.central.clock, async (work) =>
      insertReleasedEmail(work, {
        facility: await loadFacility(work.tx, central.facilityId),
        residentId,
        customerId,
        ...dora.mail,
      }),
    );
    const tablet = await SyncedDevice.enroll(central.url, await central.enrollment('tablet'), {
      profile: 'tablet',
      serial: 'TAB-710009',
    });
    try {
      await tablet.sync.syncNow();
      expect(residentIds(tablet)).toEqual([residentId]);
      expect(credentialIds(tablet)).toEqual([residentId]);
      expect(cellsHolding(tablet.store.db, tracesOf(celia, await pinHashOf(celia.id)))).toEqual([]);
      expect(cellsHolding(tablet.store.db, [dora.badge])).toEqual([]);
      await tablet.login(dora.docNumber);
      await tablet.call('auth.logout');
      expect(cellsHolding(tablet.store.db, tracesOf(dora))).not.toEqual([]);

      const doraPin = await pinHashOf(residentId);
      const reassigned = await central.central.admin(
        'POST',
        `/v1/staff/residents/${residentId}/housing`,
        {
          tabletSerial: 'TAB-710010',
        },
      );
      expect(reassigned.status).toBe(204);
      expect(await tablet.syncUntilSettled()).toMatchObject({ state: 'idle', lastError: null });
      expect(residentIds(tablet)).toEqual([]);
      expect(cellsHolding(tablet.store.db, tracesOf(dora, doraPin))).toEqual([]);
    } finally {
      await tablet.close();
    }
  });

  it('a lobby kiosk holds no PIN hash, badge or badge key, finds residents by DOC number, and forgets a released one', async () => {
    const { bruno, celia } = people;
    const lobby = await SyncedDevice.enroll(central.url, await central.enrollment('lobby'), {
      profile: 'lobby',
    });
    try {
      await lobby.sync.syncNow();
      expect(residentIds(lobby)).toContain(celia.id);
      expect(credentialIds(lobby)).toEqual([]);
      const db = lobby.store.db;
      expect(db.prepare('SELECT count(*) AS n FROM badge_key').get()).toEqual({ n: 0 });
      expect(
        db.prepare('SELECT count(*) AS n FROM residents WHERE badge_hash IS NOT NULL').get(),
      ).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
      const everyPin = (
        await central.central.storage.all<{ pin_hash: string }>('SELECT pin_hash FROM residents')
      ).map((row) => row.pin_hash);
      expect(
        cellsHolding(db, [...everyPin, celia.badge, bruno.badge, keyedHash(celia.badge)]),
      ).toEqual([]);
      expect(cellsHolding(db, [celia.mail.body])).toEqual([]);
      const found = await lobby.call<{ resident: { residentId: string; lastName: string } }>(
        'lobby.findResident',
        { state: 'FL', docNumber: celia.docNumber },
      );
      expect(found.resident).toMatchObject({ residentId: celia.id, lastName: celia.lastName });

      const released = await central.central.admin(
        'POST',
        `/v1/staff/residents/${celia.id}/release`,
      );
      expect(released.status).toBe(204);
      expect(await lobby.syncUntilSettled()).toMatchObject({ state: 'idle', lastError: null });
      expect(residentIds(lobby)).not.toContain(celia.id);
      expect(cellsHolding(db, [celia.docNumber, celia.lastName])).toEqual([]);
      await expect(
        lobby.call('lobby.findResident', { state: 'FL', docNumber: celia.docNumber }),
      ).rejects.toThrow(/not_found/);
    } finally {
      await lobby.close();
    }
  });

  it('refuses a tablet, a kiosk and a lobby kiosk asking for what is not theirs', async () => {
    const { alba, bruno } = people;
    const facility = central.facilityId;
    const kioskA = await central.central.device('kiosk');
    const tablet = await central.central.device('tablet', 'TAB-710001');
    const lobby = await central.central.device('lobby');
    // A kiosk of unit A pulling unit B, a resident of unit B, the lobby's directory.
    expect(await pulled(kioskA, 'unit', UNIT_B)).toBe(403);
    expect(await pulled(kioskA, 'resident', bruno.id)).toBe('0 page(s)');
    expect(await pulled(kioskA, 'directory', facility)).toBe(403);
    expect(await pulled(kioskA, 'device', tablet.id)).toBe(403);
    // A tablet asking for another resident's data, a unit, the directory.
    expect(await pulled(tablet, 'resident', bruno.id)).toBe('0 page(s)');
    expect(await pulled(tablet, 'unit', TEST_UNIT)).toBe(403);
    expect(await pulled(tablet, 'directory', facility)).toBe(403);
    // A lobby kiosk asking for credentials: a unit, a tablet's own scope, a resident.
    expect(await pulled(lobby, 'unit', TEST_UNIT)).toBe(403);
    expect(await pulled(lobby, 'device', tablet.id)).toBe(403);
    expect(await pulled(lobby, 'resident', alba.id)).toBe('0 page(s)');
    // What each may read still answers.
    expect(await pulled(kioskA, 'unit', TEST_UNIT)).toBe('1 page(s)');
    expect(await pulled(lobby, 'directory', facility)).toBe('1 page(s)');
    expect(await pulled(tablet, 'device', tablet.id)).toBe('1 page(s)');
    expect(await pulled(tablet, 'resident', alba.id)).toBe('1 page(s)');
  });
});
