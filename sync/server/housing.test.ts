import { describe, expect, it } from 'vitest';
import type { FacilityConfig } from '../../domain';
import { PullResponseSchema } from '../protocol';
import { TEST_UNIT, type TestCentral } from './testing/central';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Housing units and moving residents: who may create a unit (IT of the facility), who may move
 * or release a resident (a supervisor of the resident's facility), what a hostile or mistaken
 * caller gets (404 for another facility's unit or resident, 400 for a bad body, 403 for another
 * role), the audit line each act writes, and the records that follow the resident.
 */
describe.each(STORAGE_KINDS)('housing units on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started));

  async function unitRecords(unitId: string) {
    const device = await central.device('kiosk', undefined, unitId);
    const answer = await device.request('POST', '/v1/pull', {
      scopes: [{ scope: { kind: 'unit', id: unitId }, cursor: null }],
    });
    return PullResponseSchema.parse(answer.body).pages[0]!.changes.map((c) => `${c.op}:${c.id}`);
  }

  it('IT creates units of its facilities only; kiosk codes must name a unit of theirs', async () => {
    const facilityId = central.facility.id;
    const other: FacilityConfig = { ...central.facility, id: 'other-facility', name: 'Other CI' };
    expect((await central.admin('PUT', '/v1/admin/facilities', other)).status).toBe(200);
    const itAdmin = await central.staff([{ role: 'it_admin', facilityId }]);
    const supervisor = await central.staff([{ role: 'supervisor', facilityId }]);
    const unit = { id: 'unit-b', facilityId, name: 'Unit B' };
    expect((await supervisor.call('PUT', '/v1/admin/housing-units', unit)).status).toBe(403);
    expect((await itAdmin.call('PUT', '/v1/admin/housing-units', unit)).status).toBe(200);
    expect(
      (await itAdmin.call('PUT', '/v1/admin/housing-units', { ...unit, facilityId: other.id }))
        .status,
    ).toBe(404);
    for (const id of ['../x', 'a b', 'x'.repeat(65), '']) {
      expect((await itAdmin.call('PUT', '/v1/admin/housing-units', { ...unit, id })).status).toBe(
        400,
      );
    }
    expect(
      (await central.admin('PUT', '/v1/admin/housing-units', { ...unit, facilityId: other.id }))
        .status,
    ).toBe(409); // the id belongs to another facility
    const entries = await central.storage.all<{ action: string }>(
      "SELECT action FROM audit WHERE subject_type = 'housing_unit' ORDER BY at",
    );
    expect(entries.map((e) => e.action)).toEqual(['housing_unit.create']);

    const code = (body: Record<string, unknown>) =>
      itAdmin.call('POST', '/v1/admin/enroll-codes', { facilityId, ...body });
    expect((await code({ profile: 'kiosk' })).status).toBe(400);
    expect((await code({ profile: 'lobby', housingUnitId: 'unit-b' })).status).toBe(400);
    expect((await code({ profile: 'kiosk', housingUnitId: 'no-such-unit' })).status).toBe(404);
    const otherUnit = { id: 'other-unit', facilityId: other.id, name: 'Elsewhere' };
    expect((await central.admin('PUT', '/v1/admin/housing-units', otherUnit)).status).toBe(200);
    expect((await code({ profile: 'kiosk', housingUnitId: 'other-unit' })).status).toBe(404);
    const made = await code({ profile: 'kiosk', housingUnitId: 'unit-b' });
    expect(made).toMatchObject({ status: 201, body: { housingUnitId: 'unit-b' } });
  });

  it('a supervisor moves and releases residents of their facility; credentials follow', async () => {
    const facilityId = central.facility.id;
    await central.admin('PUT', '/v1/admin/housing-units', { id: 'unit-b', facilityId, name: 'B' });
    const residentId = await central.resident({ badgeId: 'BADGE-42' });
    const supervisor = await central.staff([{ role: 'supervisor', facilityId }]);
    const reviewer = await central.staff([{ role: 'reviewer', facilityId }]);
    const move = (who = supervisor, body: unknown = { housingUnitId: 'unit-b' }, id = residentId) =>
      who.call('POST', `/v1/staff/residents/${id}/housing`, body);

    expect((await move(reviewer)).status).toBe(403);
    expect((await move(supervisor, {})).status).toBe(400);
    expect((await move(supervisor, { housingUnitId: 'no-such-unit' })).status).toBe(404);
    expect((await move(supervisor, undefined, 'no-such-resident')).status).toBe(404);
    expect(await unitRecords(TEST_UNIT)).toEqual([`upsert:${residentId}`]);

    expect((await move()).status).toBe(204);
    expect(await unitRecords(TEST_UNIT)).toEqual([`delete:${residentId}`]);
    expect(await unitRecords('unit-b')).toEqual([`upsert:${residentId}`]);

    // Staff of another facility learn nothing: the resident does not exist for them.
    const other: FacilityConfig = { ...central.facility, id: 'other-facility', name: 'Other CI' };
    await central.admin('PUT', '/v1/admin/facilities', other);
    const elsewhere = await central.staff([{ role: 'supervisor', facilityId: other.id }]);
    expect((await move(elsewhere, { housingUnitId: TEST_UNIT })).status).toBe(404);
    const release = (who = supervisor) =>
      who.call('POST', `/v1/staff/residents/${residentId}/release`);
    expect((await release(elsewhere)).status).toBe(404);
    expect((await release(reviewer)).status).toBe(403);

    expect((await release()).status).toBe(204);
    expect(await unitRecords('unit-b')).toEqual([`delete:${residentId}`]);
    expect((await release()).status).toBe(404); // once released, there is no one to move
    expect((await move()).status).toBe(404);

    const trail = await central.storage.all<{ action: string; detail: string }>(
      "SELECT action, detail FROM audit WHERE subject_id = ? AND action LIKE 'resident.%' ORDER BY at",
      [residentId],
    );
    expect(trail.map((e) => e.action)).toEqual(['resident.move', 'resident.release']);
    expect(JSON.parse(trail[0]!.detail)).toMatchObject({
      before: { housingUnitId: TEST_UNIT },
      after: { housingUnitId: 'unit-b' },
    });
    // The badge code itself never reaches a device or the audit trail.
    const changes = await central.storage.all<{ data: string | null }>('SELECT data FROM changes');
    expect(changes.some((c) => c.data?.includes('BADGE-42'))).toBe(false);
    expect(trail.some((e) => e.detail.includes('BADGE-42'))).toBe(false);
  });
});
