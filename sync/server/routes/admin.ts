import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ChargebackRequestSchema,
  ChargebackSettlementRequestSchema,
  CreateEnrollCodeRequestSchema,
  CreateStaffRequestSchema,
} from '../../protocol';
import { newToken, tokenHash } from '../auth/secrets';
import { recordChargeback, settleChargeback } from '../chargebacks';
import { createEnrollCode, revokeDevice } from '../enrollment';
import { loadFacility, saveFacility } from '../facilities';
import { requireAdmin } from '../http/bearer';
import { HttpError } from '../http/errors';
import { NewResidentSchema, insertResident, prepareResident } from '../residents-admin';
import { inWork } from '../work';
import { audit } from '../audit';
import type { RouteContext } from './context';

const IdParams = z.object({ id: z.string().min(1).max(128) });

/** Admin API (facility IT and operations), behind the admin bearer token. */
export function adminRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/v1/admin/')) requireAdmin(request, context.adminToken);
  });

  app.put('/v1/admin/facilities', async (request) =>
    inWork(storage, clock, (work) => saveFacility(work, request.body)),
  );

  app.post('/v1/admin/enroll-codes', async (request, reply) => {
    const input = CreateEnrollCodeRequestSchema.parse(request.body);
    return reply.status(201).send(await createEnrollCode(storage, clock, input));
  });

  app.post('/v1/admin/devices/:id/revoke', async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    if (!(await revokeDevice(storage, clock, id))) {
      throw new HttpError(404, 'not_found', `no active device ${id}`);
    }
    request.log.info({ deviceId: id }, 'device revoked');
    return reply.status(204).send();
  });

  app.post('/v1/admin/residents', async (request, reply) => {
    const resident = await prepareResident(NewResidentSchema.parse(request.body));
    const id = await inWork(storage, clock, (work) => insertResident(work, resident));
    return reply.status(201).send({ residentId: id });
  });

  app.post('/v1/admin/staff', async (request, reply) => {
    const input = CreateStaffRequestSchema.parse(request.body);
    await loadFacility(storage, input.facilityId);
    const staffId = crypto.randomUUID();
    const token = newToken();
    await storage.run('INSERT INTO staff (id, name, facility_id, token_hash) VALUES (?, ?, ?, ?)', [
      staffId,
      input.name,
      input.facilityId,
      tokenHash(token),
    ]);
    return reply.status(201).send({ staffId, token });
  });

  app.post('/v1/admin/chargebacks', async (request, reply) => {
    const input = ChargebackRequestSchema.parse(request.body);
    const chargeback = await inWork(storage, clock, async (work) => {
      const recorded = await recordChargeback(work, input);
      await audit(work, 'admin', 'chargeback.record', 'chargeback', recorded.id, { ...input });
      return recorded;
    });
    return reply.status(201).send(chargeback);
  });

  app.post('/v1/admin/chargebacks/:id/settle', async (request) => {
    const { id } = IdParams.parse(request.params);
    const { resolution } = ChargebackSettlementRequestSchema.parse(request.body);
    return inWork(storage, clock, async (work) => {
      const settled = await settleChargeback(work, id, resolution);
      await audit(work, 'admin', `chargeback.${resolution}`, 'chargeback', id, {});
      return settled;
    });
  });
}
