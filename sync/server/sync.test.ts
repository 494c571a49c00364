import { assert, describe, expect, it } from 'vitest';
import {
  HEADERS,
  PullResponseSchema,
  PushResponseSchema,
  pageChecksum,
  type PullResponse,
  type PushResponse,
  type Scope,
} from '../protocol';
import { TEST_UNIT, TestCentral } from './testing/central';
import { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

const at = '2026-01-01T00:00:00.000Z';
const newId = () => crypto.randomUUID();

function pinFailed(seq: number, residentId: string, id = newId()) {
  return { id, seq, createdAt: at, name: 'auth.pinFailed', args: { residentId, at } };
}

async function push(device: TestDevice, mutations: unknown[]) {
  const answer = await device.request<PushResponse>('POST', '/v1/push', { mutations });
  expect(answer.status).toBe(200);
  return PushResponseSchema.parse(answer.body);
}

async function pullScope(
  device: TestDevice,
  kind: Scope['kind'],
  id: string,
  cursor: string | null,
  limit = 500,
) {
  const answer = await device.request<PullResponse>('POST', '/v1/pull', {
    scopes: [{ scope: { kind, id }, cursor }],
    limit,
  });
  return answer;
}

/** The page of the one scope a pull asked for. */
function onlyPage(body: unknown) {
  const [page] = PullResponseSchema.parse(body).pages;
  assert.isDefined(page, 'a page for the one scope asked');
  return page;
}

describe.each(STORAGE_KINDS)('central sync on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  describe('enrollment and request authentication', () => {
    it('enrolls once per code and refuses a reused code', async () => {
      const code = await central.admin<{ code: string }>('POST', '/v1/admin/enroll-codes', {
        facilityId: central.facility.id,
        profile: 'kiosk',
        housingUnitId: TEST_UNIT,
      });
      expect(code.status).toBe(201);
      const device = await central.device();
      const again = await device.enroll(code.body.code);
      expect(again.status).toBe(201);
      const reused = await device.enroll(code.body.code);
      expect(reused.status).toBe(403);
      const info = await device.request<{ deviceId: string }>('GET', '/v1/device');
      expect(info.status).toBe(200);
      expect(info.body.deviceId).toBe(device.id);
    });

    it('refuses a bad signature, a replayed counter and a revoked device', async () => {
      const device = await central.device();
      const forged = await device.request('GET', '/v1/device', undefined, {
        tamper: (headers) => {
          headers[HEADERS.signature] = Buffer.alloc(64, 7).toString('base64url');
        },
      });
      expect(forged.status).toBe(401);
      expect(await device.request('GET', '/v1/device', undefined, { counter: 10 })).toMatchObject({
        status: 200,
      });
      // Known key now (checked before the database): a forgery is refused and uses no counter.
      const forgedAgain = await device.request('GET', '/v1/device', undefined, {
        counter: 11,
        tamper: (headers) => {
          headers[HEADERS.signature] = Buffer.alloc(64, 7).toString('base64url');
        },
      });
      expect(forgedAgain.status).toBe(401);
      expect(await device.request('GET', '/v1/device', undefined, { counter: 11 })).toMatchObject({
        status: 200,
      });
      // Out of order inside the window is fine; the same counter twice is a replay.
      expect(await device.request('GET', '/v1/device', undefined, { counter: 8 })).toMatchObject({
        status: 200,
      });
      const replay = await device.request<{ error: { code: string } }>(
        'GET',
        '/v1/device',
        undefined,
        { counter: 8 },
      );
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe('replayed');
      const tooOld = await device.request('GET', '/v1/device', undefined, { counter: 200 });
      expect(tooOld.status).toBe(200);
      expect((await device.request('GET', '/v1/device', undefined, { counter: 100 })).status).toBe(
        401,
      );

      expect((await central.admin('POST', `/v1/admin/devices/${device.id}/revoke`)).status).toBe(
        204,
      );
      const revoked = await device.request<{ error: { code: string } }>('GET', '/v1/device');
      expect(revoked.status).toBe(403);
      expect(revoked.body.error.code).toBe('device_revoked');
    });

    it('signs the body: a changed body is refused', async () => {
      const device = await central.device();
      const residentId = await central.resident();
      const body = Buffer.from(JSON.stringify({ mutations: [pinFailed(1, residentId)] }));
      const headers = device.signedHeaders('POST', '/v1/push', body);
      const response = await fetch(`${central.baseUrl}/v1/push`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ mutations: [pinFailed(2, residentId)] }),
      });
      expect(response.status).toBe(401);
    });

    it('answers upgrade required to an old app', async () => {
      const strict = await TestCentral.start(central.storage, { minAppVersion: '2.0.0' });
      const device = await central.device();
      const answer = await fetch(`${strict.baseUrl}/v1/device`, {
        headers: device.signedHeaders('GET', '/v1/device', Buffer.alloc(0)),
      });
      expect(answer.status).toBe(426);
      expect(await answer.json()).toMatchObject({
        error: { code: 'upgrade_required', minAppVersion: '2.0.0' },
      });
      await strict.stop();
      // A device of protocol 1 would lose every sign-in record to the new scopes: told to upgrade.
      const headers = device.signedHeaders('GET', '/v1/device', Buffer.alloc(0));
      const old = await fetch(`${central.baseUrl}/v1/device`, {
        headers: { ...headers, [HEADERS.protocol]: '1' },
      });
      expect(old.status).toBe(426);
      expect(await old.json()).toMatchObject({ error: { minProtocol: 2 } });
    });
  });

  describe('push', () => {
    it('applies exactly once: duplicates return the stored outcome, rejections advance the mark', async () => {
      const device = await central.device();
      const residentId = await central.resident();
      const first = pinFailed(1, residentId);
      const unknown = { id: newId(), seq: 2, createdAt: at, name: 'no.such', args: {} };
      const bad = {
        id: newId(),
        seq: 3,
        createdAt: at,
        name: 'auth.pinFailed',
        args: { residentId: 5 },
      };
      const result = await push(device, [first, unknown, bad]);
      expect(result.highWaterMark).toBe(3);
      expect(result.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'rejected']);
      expect(result.results[1]?.outcome).toMatchObject({ code: 'unknown_mutation' });
      expect(result.results[2]?.outcome).toMatchObject({ code: 'invalid_args' });

      const retry = await push(device, [first, unknown, bad, pinFailed(4, residentId)]);
      expect(retry.results.map((r) => r.status)).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
        'applied',
      ]);
      expect(retry.results[1]?.outcome).toEqual(result.results[1]?.outcome);
      expect(retry.highWaterMark).toBe(4);

      const row = await central.storage.get<{ failed_pin_attempts: number }>(
        'SELECT failed_pin_attempts FROM residents WHERE id = ?',
        [residentId],
      );
      expect(row?.failed_pin_attempts).toBe(2);
      const reused = await push(device, [pinFailed(4, residentId)]);
      expect(reused.results[0]?.outcome).toMatchObject({ status: 'rejected', code: 'conflict' });
      const twice = pinFailed(5, residentId);
      const sameBatch = await push(device, [twice, { ...twice, seq: 6 }]);
      expect(sameBatch.results.map((r) => r.status)).toEqual(['applied', 'duplicate']);
    });

    it('stores a batch longer than one statement exactly once, an id repeated across chunks included', async () => {
      const device = await central.device();
      const residentId = await central.resident();
      // auth.pinSucceeded on a clean slate applies and changes nothing: only the push is tested.
      const batch = Array.from({ length: 150 }, (_, i) => ({
        id: newId(),
        seq: i + 1,
        createdAt: at,
        name: 'auth.pinSucceeded',
        args: { residentId, at },
      }));
      batch[100] = { ...batch[10]!, seq: 101 };
      const first = await push(device, batch);
      expect(first.highWaterMark).toBe(150);
      expect(first.results.filter((r) => r.status === 'applied')).toHaveLength(149);
      expect(first.results[100]).toMatchObject({ status: 'duplicate', seq: 101 });
      const stored = await central.storage.get<{ count: number }>(
        'SELECT COUNT(*) AS count FROM mutations WHERE device_id = ?',
        [device.id],
      );
      expect(Number(stored?.count)).toBe(149);
      const again = await push(device, batch);
      expect(again.results.every((r) => r.status === 'duplicate')).toBe(true);
      expect(again.results.map((r) => r.outcome)).toEqual(first.results.map((r) => r.outcome));
    });

    it('locks a resident after five failed PINs and publishes the lock', async () => {
      const device = await central.device();
      const residentId = await central.resident();
      await push(
        device,
        [1, 2, 3, 4, 5].map((seq) => pinFailed(seq, residentId)),
      );
      const page = await pullScope(device, 'unit', TEST_UNIT, null);
      const resident = onlyPage(page.body).changes.find((c) => c.id === residentId);
      expect(resident).toMatchObject({
        op: 'upsert',
        data: { locked: true, failedPinAttempts: 5 },
      });
    });

    it('a correct PIN clears failed tries and sends the resident down; on a clean slate it changes nothing', async () => {
      const device = await central.device();
      const residentId = await central.resident();
      const pinSucceeded = (seq: number) => ({
        id: newId(),
        seq,
        createdAt: at,
        name: 'auth.pinSucceeded',
        args: { residentId, at },
      });
      const residentChange = async (cursor: string | null) => {
        const page = onlyPage((await pullScope(device, 'unit', TEST_UNIT, cursor)).body);
        return { page, change: page.changes.find((c) => c.id === residentId) };
      };
      await push(device, [pinFailed(1, residentId), pinFailed(2, residentId)]);
      const before = await residentChange(null);
      expect(before.change).toMatchObject({ data: { failedPinAttempts: 2 } });

      expect((await push(device, [pinSucceeded(3)])).results[0]?.status).toBe('applied');
      const cleared = await residentChange(before.page.cursor);
      expect(cleared.change).toMatchObject({ data: { failedPinAttempts: 0, locked: false } });

      expect((await push(device, [pinSucceeded(4)])).results[0]?.status).toBe('applied');
      const again = await residentChange(cleared.page.cursor);
      expect(again.change).toBeUndefined();
      expect(again.page.cursor).toBe(cleared.page.cursor);
    });

    it('a bad payload gets 400 with the issues and changes nothing', async () => {
      const device = await central.device();
      const residentId = await central.resident();
      const before = await central.storage.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM mutations',
      );
      for (const body of [
        {},
        { mutations: [] },
        { mutations: [{ id: 'x', seq: 1 }] },
        { mutations: [pinFailed(2, residentId), pinFailed(1, residentId)] },
      ]) {
        const answer = await device.request<{ error: { code: string; issues: unknown[] } }>(
          'POST',
          '/v1/push',
          body,
        );
        expect(answer.status).toBe(400);
        expect(answer.body.error.code).toBe('bad_request');
        expect(answer.body.error.issues.length).toBeGreaterThan(0);
      }
      const raw = await fetch(`${central.baseUrl}/v1/push`, {
        method: 'POST',
        headers: {
          ...device.signedHeaders('POST', '/v1/push', Buffer.from('{not json')),
          'content-type': 'application/json',
        },
        body: '{not json',
      });
      expect(raw.status).toBe(400);
      const after = await central.storage.get<{ n: number }>('SELECT COUNT(*) AS n FROM mutations');
      expect(Number(after?.n)).toBe(Number(before?.n));
    });
  });

  describe('pull', () => {
    it('pages with checksums, resumes from a cursor and sends tombstones', async () => {
      const device = await central.device();
      const residents = [];
      for (let i = 0; i < 5; i += 1) residents.push(await central.resident());
      const seen = new Map<string, unknown>();
      let cursor: string | null = null;
      let pages = 0;
      for (;;) {
        const answer = await pullScope(device, 'unit', TEST_UNIT, cursor, 2);
        expect(answer.status).toBe(200);
        const page = onlyPage(answer.body);
        expect(page.checksum).toBe(await pageChecksum(page));
        for (const change of page.changes) seen.set(`${change.entity}:${change.id}`, change);
        cursor = page.cursor;
        pages += 1;
        if (!page.hasMore) break;
      }
      expect(pages).toBe(3);
      for (const id of residents) expect(seen.has(`resident:${id}`)).toBe(true);

      const empty = PullResponseSchema.parse(
        (await pullScope(device, 'unit', TEST_UNIT, cursor)).body,
      );
      expect(empty.pages[0]).toMatchObject({ changes: [], cursor, hasMore: false });
      const facility = onlyPage(
        (await pullScope(device, 'facility', central.facility.id, null)).body,
      );
      expect(facility.changes.map((c) => `${c.entity}:${c.id}`)).toEqual([
        `facility:${central.facility.id}`,
      ]);
      cursor = facility.cursor;

      // A deposit, then a chargeback and its settlement: the block arrives, then its tombstone.
      const lobby = await central.device('lobby');
      const depositId = newId();
      const charged = await lobby.request<{ chargeId: string }>('POST', '/v1/card-payments', {
        paymentId: newId(),
        residentId: residents[0],
        amountCents: 5000 + 295,
        card: { token: await central.cardToken() },
      });
      expect(charged.status).toBe(201);
      const deposited = await push(lobby, [
        {
          id: newId(),
          seq: 1,
          createdAt: at,
          name: 'deposit.create',
          args: {
            channel: 'kiosk_card',
            depositId,
            residentId: residents[0],
            amountCents: 5000,
            chargeId: charged.body.chargeId,
          },
        },
      ]);
      expect(deposited.results[0]?.outcome).toEqual({ status: 'applied' });
      const chargebackId = newId();
      expect(
        (
          await central.admin('POST', '/v1/admin/chargebacks', {
            chargebackId,
            depositId,
            kind: 'bank_card',
            amountCents: 5000,
          })
        ).status,
      ).toBe(201);
      const blocked = onlyPage(
        (await pullScope(device, 'facility', central.facility.id, cursor)).body,
      );
      expect(blocked.changes.filter((c) => c.entity === 'block').map((c) => c.op)).toEqual([
        'upsert',
        'upsert',
      ]);
      expect(
        (
          await central.admin('POST', `/v1/admin/chargebacks/${chargebackId}/settle`, {
            resolution: 'settled',
          })
        ).status,
      ).toBe(200);
      const lifted = onlyPage(
        (await pullScope(device, 'facility', central.facility.id, blocked.cursor)).body,
      );
      expect(lifted.changes.filter((c) => c.entity === 'block').map((c) => c.op)).toEqual([
        'delete',
        'delete',
      ]);
    });

    it('answers several scopes in one pull with the pages each gets alone, in the order asked', async () => {
      const kiosk = await central.device('kiosk');
      // Three residents in the unit: its page of two is cut short.
      const residents = [
        await central.resident(),
        await central.resident(),
        await central.resident(),
      ];
      const scopes: { scope: Scope; cursor: string | null }[] = [
        { scope: { kind: 'unit', id: TEST_UNIT }, cursor: null },
        { scope: { kind: 'resident', id: residents[0]! }, cursor: null },
        // A resident the kiosk may not read (none by that id): no page, the others unharmed.
        { scope: { kind: 'resident', id: newId() }, cursor: null },
        { scope: { kind: 'facility', id: central.facility.id }, cursor: null },
        { scope: { kind: 'resident', id: residents[1]! }, cursor: null },
      ];
      const together = await kiosk.request<PullResponse>('POST', '/v1/pull', { scopes, limit: 2 });
      expect(together.status).toBe(200);
      const alone = [];
      for (const one of scopes) {
        const answer = await kiosk.request<PullResponse>('POST', '/v1/pull', {
          scopes: [one],
          limit: 2,
        });
        alone.push(...answer.body.pages);
      }
      expect(together.body.pages).toEqual(alone);
      expect(together.body.pages.map((page) => page.scope)).toEqual(
        [0, 1, 3, 4].map((index) => scopes[index]!.scope),
      );
      // The limit cut a page short, and each page still lists its changes in position order.
      expect(together.body.pages.some((page) => page.hasMore)).toBe(true);
      for (const page of together.body.pages) {
        const positions = page.changes.map((change) => change.position);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }
    });

    it('lets a tablet read only the resident assigned to its serial, a kiosk those of its unit', async () => {
      const mine = await central.resident({ tabletSerial: 'TAB-SCOPE-1' });
      const other = await central.resident({ tabletSerial: 'TAB-SCOPE-2' });
      const tablet = await central.device('tablet', 'TAB-SCOPE-1');
      expect((await pullScope(tablet, 'resident', mine, null)).status).toBe(200);
      // Another resident's scope gives no page, as a resident who does not exist.
      expect((await pullScope(tablet, 'resident', other, null)).body.pages).toEqual([]);
      const noSerial = await central.device('tablet');
      expect((await pullScope(noSerial, 'resident', mine, null)).body.pages).toEqual([]);
      const kiosk = await central.device('kiosk');
      for (const residentId of [mine, other]) {
        expect((await pullScope(kiosk, 'resident', residentId, null)).status).toBe(200);
      }
      const badSerial = await new TestDevice(central.baseUrl).enroll(
        (
          await central.admin<{ code: string }>('POST', '/v1/admin/enroll-codes', {
            facilityId: central.facility.id,
            profile: 'tablet',
          })
        ).body.code,
        'x'.repeat(65),
      );
      expect(badSerial.status).toBe(400);
    });

    it('refuses a push naming a resident the device may not act for, storing forbidden', async () => {
      const mine = await central.resident({ tabletSerial: 'TAB-PUSH-1' });
      const other = await central.resident({ tabletSerial: 'TAB-PUSH-2' });
      expect(
        (
          await central.admin('PUT', '/v1/admin/facilities', {
            ...central.facility,
            id: 'elsewhere',
          })
        ).status,
      ).toBe(200);
      const foreign = await central.resident({ facilityId: 'elsewhere' });
      const failedTries = async () =>
        new Map(
          (
            await central.storage.all<{ id: string; failed_pin_attempts: number }>(
              'SELECT id, failed_pin_attempts FROM residents WHERE id IN (?, ?, ?)',
              [mine, other, foreign],
            )
          ).map((row) => [row.id, row.failed_pin_attempts]),
        );
      const before = await failedTries();

      const tablet = await central.device('tablet', 'TAB-PUSH-1');
      const refused = [pinFailed(1, other), pinFailed(2, foreign)];
      const answer = await push(tablet, [...refused, pinFailed(3, mine)]);
      expect(answer.results.map((result) => result.outcome)).toMatchObject([
        { status: 'rejected', code: 'forbidden' },
        { status: 'rejected', code: 'forbidden' },
        { status: 'applied' },
      ]);
      expect(answer.highWaterMark).toBe(3);
      const replayed = await push(tablet, refused);
      expect(replayed.results.map((result) => [result.status, result.outcome])).toMatchObject([
        ['duplicate', { status: 'rejected', code: 'forbidden' }],
        ['duplicate', { status: 'rejected', code: 'forbidden' }],
      ]);

      const kiosk = await central.device('kiosk');
      const fromKiosk = await push(kiosk, [pinFailed(1, other), pinFailed(2, foreign)]);
      expect(fromKiosk.results.map((result) => result.outcome)).toMatchObject([
        { status: 'applied' },
        { status: 'rejected', code: 'forbidden' },
      ]);
      const noSerial = await central.device('tablet');
      expect((await push(noSerial, [pinFailed(1, mine)])).results[0]?.outcome).toMatchObject({
        status: 'rejected',
        code: 'forbidden',
      });

      const lobby = await central.device('lobby');
      const deposit = (seq: number, residentId: string) => ({
        id: newId(),
        seq,
        createdAt: at,
        name: 'deposit.create',
        args: {
          channel: 'kiosk_cash',
          depositId: newId(),
          residentId,
          amountCents: 1805,
          feeCents: 195,
          bills: [{ billId: newId(), cents: 2000 }],
        },
      });
      const fromLobby = await push(lobby, [deposit(1, foreign), deposit(2, mine)]);
      expect(fromLobby.results.map((result) => result.outcome)).toMatchObject([
        { status: 'rejected', code: 'forbidden' },
        { status: 'applied' },
      ]);
      // a resident's own bills that bought no bundle at a housing-unit kiosk: a cash deposit;
      // a tablet has no bill acceptor and may push none
      const ownCash = await push(await central.device('kiosk'), [deposit(1, mine)]);
      expect(ownCash.results[0]?.outcome).toEqual({ status: 'applied' });
      const fromTablet = await push(await central.device('tablet', 'TAB-PUSH-2'), [
        deposit(1, mine),
      ]);
      expect(fromTablet.results[0]?.outcome).toMatchObject({
        status: 'rejected',
        code: 'forbidden',
      });

      const after = await failedTries();
      expect(after.get(mine)).toBe((before.get(mine) ?? 0) + 1);
      expect(after.get(other)).toBe((before.get(other) ?? 0) + 1); // the kiosk's try only
      expect(after.get(foreign)).toBe(before.get(foreign));
    });

    it('detects another epoch and refuses scopes the device may not read', async () => {
      const device = await central.device();
      const foreign = await pullScope(device, 'facility', 'other-facility', null);
      expect(foreign.status).toBe(403);
      const lobby = await central.device('lobby');
      const residentId = await central.resident();
      expect((await pullScope(lobby, 'resident', residentId, null)).body.pages).toEqual([]);
      const restored = await pullScope(device, 'facility', central.facility.id, `${newId()}.1`);
      expect(restored.status).toBe(409);
      expect(restored.body).toMatchObject({ error: { code: 'epoch_changed' } });
      const first = PullResponseSchema.parse(
        (await pullScope(device, 'facility', central.facility.id, null)).body,
      );
      const ahead = await pullScope(
        device,
        'facility',
        central.facility.id,
        `${first.epoch}.999999`,
      );
      expect(ahead.status).toBe(409);
    });
  });
});
