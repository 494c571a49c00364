import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { StaffRole } from '../../../domain';
import { FacilityConfigSchema, IdSchema } from '../../../domain';
import {
  ChargebackRequestSchema,
  ChargebackSettlementRequestSchema,
  CreateEnrollCodeRequestSchema,
  CreateStaffRequestSchema,
  CreateStaffResponseSchema,
  HousingUnitRequestSchema,
} from '../../protocol';
import { auditStaff } from '../audit';
import { recordChargeback, settleChargeback } from '../chargebacks';
import { createEnrollCode } from '../enrollment';
import { saveFacility } from '../facilities';
import { saveHousingUnit } from '../housing';
import { mayActIn, requestStaff, requireFacility, type StaffActor } from '../http/access-control';
import { HttpError } from '../http/errors';
import { NewResidentSchema, insertResident, prepareResident } from '../residents-admin';
import { ALL_FACILITIES, createStaffMember, disableStaffMember, grantsOf } from '../staff-identity';
import { typed } from '../storage/typed';
import type { Transaction } from '../storage/types';
import { inWork } from '../work';
import type { RouteContext } from './context';

const IdParams = z.object({ id: IdSchema });

const staffWith = (...roles: StaffRole[]) =>
  ({ config: { access: { kind: 'staff', roles } } }) as const;

/** The facility a deposit (and so its chargeback) belongs to: its resident's. */
async function depositFacility(tx: Transaction, depositId: string): Promise<string | undefined> {
  const row = await typed(tx).first((db) =>
    db
      .selectFrom('deposits as d')
      .innerJoin('residents as r', 'r.id', 'd.resident_id')
      .select('r.facility_id')
      .where('d.id', '=', depositId),
  );
  return row?.facility_id;
}

function requireEveryFacility(staff: StaffActor, what: string): void {
  if (staff.facilities !== ALL_FACILITIES)
    throw new HttpError(403, 'forbidden', `${what} needs IT for every facility`);
}

/**
 * Facility IT, supervisors and finance: facilities, enrollment codes, device revocation,
 * residents, staff accounts and chargebacks. Each call is scoped to the caller's facilities and
 * audited with the person, the facility and the state before and after.
 */
export function adminRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  app.put('/v1/admin/facilities', staffWith('it_admin'), async (request) => {
    const staff = requestStaff(request);
    const config = FacilityConfigSchema.parse(request.body);
    return inWork(storage, clock, async (work) => {
      const q = typed(work.tx);
      const existing = await q.first((db) =>
        db.selectFrom('facilities').select('config').where('id', '=', config.id).$call(q.lockRows),
      );
      // A new facility is a deployment-wide act; changing one needs IT of that facility.
      if (existing) requireFacility(staff, config.id, `facility ${config.id}`);
      else requireEveryFacility(staff, 'creating a facility');
      const saved = await saveFacility(work, config);
      await auditStaff(
        work,
        staff,
        existing ? 'facility.update' : 'facility.create',
        { type: 'facility', id: config.id, facilityId: config.id },
        { before: existing ? JSON.parse(existing.config) : null, after: saved },
      );
      return saved;
    });
  });

  app.put('/v1/admin/housing-units', staffWith('it_admin'), async (request) => {
    const input = HousingUnitRequestSchema.parse(request.body);
    return inWork(storage, clock, (work) => saveHousingUnit(work, requestStaff(request), input));
  });

  app.post('/v1/admin/enroll-codes', staffWith('it_admin'), async (request, reply) => {
    const staff = requestStaff(request);
    const input = CreateEnrollCodeRequestSchema.parse(request.body);
    requireFacility(staff, input.facilityId, `facility ${input.facilityId}`);
    const created = await createEnrollCode(storage, clock, input);
    await inWork(storage, clock, (work) =>
      auditStaff(
        work,
        staff,
        'enroll_code.create',
        { type: 'facility', id: input.facilityId, facilityId: input.facilityId },
        {
          before: null,
          after: {
            profile: input.profile,
            housingUnitId: created.housingUnitId,
            expiresAt: created.expiresAt,
          },
        },
      ),
    );
    return reply.status(201).send(created);
  });

  app.post('/v1/admin/devices/:id/revoke', staffWith('it_admin'), async (request, reply) => {
    const staff = requestStaff(request);
    const { id } = IdParams.parse(request.params);
    await inWork(storage, clock, async (work) => {
      const q = typed(work.tx);
      const device = await q.first((db) =>
        db
          .selectFrom('devices')
          .select(['facility_id', 'revoked_at'])
          .where('id', '=', id)
          .$call(q.lockRows),
      );
      if (!device || device.revoked_at || !mayActIn(staff, device.facility_id))
        throw new HttpError(404, 'not_found', `no active device ${id}`);
      await q.run((db) =>
        db.updateTable('devices').set({ revoked_at: work.now }).where('id', '=', id),
      );
      await auditStaff(
        work,
        staff,
        'device.revoke',
        { type: 'device', id, facilityId: device.facility_id },
        { before: { revokedAt: null }, after: { revokedAt: work.now } },
      );
    });
    request.log.info({ deviceId: id }, 'device revoked');
    return reply.status(204).send();
  });

  app.post('/v1/admin/residents', staffWith('supervisor'), async (request, reply) => {
    const staff = requestStaff(request);
    const input = NewResidentSchema.parse(request.body);
    requireFacility(staff, input.facilityId, `facility ${input.facilityId}`);
    const resident = await prepareResident(input);
    const id = await inWork(storage, clock, async (work) => {
      const residentId = await insertResident(work, resident);
      await auditStaff(
        work,
        staff,
        'resident.create',
        { type: 'resident', id: residentId, facilityId: input.facilityId },
        {
          before: null,
          after: {
            state: input.state,
            docNumber: input.docNumber,
            housingUnitId: input.housingUnitId,
            badge: input.badgeId !== null,
          },
        },
      );
      return residentId;
    });
    return reply.status(201).send({ residentId: id });
  });

  app.post('/v1/admin/staff', staffWith('it_admin'), async (request, reply) => {
    const staff = requestStaff(request);
    const input = CreateStaffRequestSchema.parse(request.body);
    // IT hands out only what it holds: a grant on `*` needs IT on `*`.
    for (const grant of input.grants) {
      if (grant.facilityId === ALL_FACILITIES) requireEveryFacility(staff, 'an all-facility role');
      else requireFacility(staff, grant.facilityId, `facility ${grant.facilityId}`);
    }
    const created = await inWork(storage, clock, async (work) => {
      const member = await createStaffMember(work, input);
      for (const facilityId of new Set(input.grants.map((grant) => grant.facilityId))) {
        await auditStaff(
          work,
          staff,
          'staff.create',
          {
            type: 'staff',
            id: member.staffId,
            facilityId: facilityId === ALL_FACILITIES ? null : facilityId,
          },
          { before: null, after: { email: input.email, name: input.name, grants: input.grants } },
        );
      }
      return member;
    });
    return reply.status(201).send(CreateStaffResponseSchema.parse(created));
  });

  app.post('/v1/admin/staff/:id/disable', staffWith('it_admin'), async (request, reply) => {
    const staff = requestStaff(request);
    const { id } = IdParams.parse(request.params);
    await inWork(storage, clock, async (work) => {
      const grants = await grantsOf(work.tx, id);
      // Only someone who covers every facility the member works in may disable them.
      if (
        grants.length === 0 ||
        !grants.every((grant) =>
          grant.facilityId === ALL_FACILITIES
            ? staff.facilities === ALL_FACILITIES
            : mayActIn(staff, grant.facilityId),
        )
      )
        throw new HttpError(404, 'not_found', `no staff member ${id} here`);
      await disableStaffMember(work, id);
      for (const facilityId of new Set(grants.map((grant) => grant.facilityId))) {
        await auditStaff(
          work,
          staff,
          'staff.disable',
          { type: 'staff', id, facilityId: facilityId === ALL_FACILITIES ? null : facilityId },
          { before: { disabled: false }, after: { disabled: true } },
        );
      }
    });
    return reply.status(204).send();
  });

  app.post('/v1/admin/chargebacks', staffWith('finance'), async (request, reply) => {
    const staff = requestStaff(request);
    const input = ChargebackRequestSchema.parse(request.body);
    const chargeback = await inWork(storage, clock, async (work) => {
      const facilityId = await depositFacility(work.tx, input.depositId);
      if (!facilityId || !mayActIn(staff, facilityId))
        throw new HttpError(404, 'not_found', `no deposit ${input.depositId} here`);
      const recorded = await recordChargeback(work, input);
      await auditStaff(
        work,
        staff,
        'chargeback.record',
        { type: 'chargeback', id: recorded.id, facilityId },
        { before: null, after: recorded },
      );
      return recorded;
    });
    return reply.status(201).send(chargeback);
  });

  app.post('/v1/admin/chargebacks/:id/settle', staffWith('finance'), async (request) => {
    const staff = requestStaff(request);
    const { id } = IdParams.parse(request.params);
    const { resolution } = ChargebackSettlementRequestSchema.parse(request.body);
    return inWork(storage, clock, async (work) => {
      const before = await typed(work.tx).first((db) =>
        db.selectFrom('chargebacks').select(['deposit_id', 'resolved_at']).where('id', '=', id),
      );
      const facilityId = before ? await depositFacility(work.tx, before.deposit_id) : undefined;
      if (!before || !facilityId || !mayActIn(staff, facilityId))
        throw new HttpError(404, 'not_found', `no chargeback ${id} here`);
      const settled = await settleChargeback(work, id, resolution);
      await auditStaff(
        work,
        staff,
        `chargeback.${resolution}`,
        { type: 'chargeback', id, facilityId },
        { before: { resolvedAt: before.resolved_at }, after: settled },
      );
      return settled;
    });
  });
}
