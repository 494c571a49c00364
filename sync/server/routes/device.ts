import type { FastifyInstance } from 'fastify';
import {
  DeviceInfoSchema,
  EnrollRequestSchema,
  PullRequestSchema,
  PushRequestSchema,
} from '../../protocol';
import { enrollDevice } from '../enrollment';
import { readEpoch } from '../epoch';
import { checkVersions } from '../http/versions';
import { pull } from '../pull';
import { applyPush } from '../push';
import type { RouteContext } from './context';

/** The device API: enrollment, identity, push and pull. Every call states its versions. */
export function deviceRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  app.post('/v1/enroll', async (request, reply) => {
    checkVersions(request, context.minAppVersion);
    const input = EnrollRequestSchema.parse(request.body);
    const enrolled = await enrollDevice(storage, clock, input);
    request.log.info(
      { deviceId: enrolled.deviceId, facilityId: enrolled.facilityId },
      'device enrolled',
    );
    return reply.status(201).send(enrolled);
  });

  app.get('/v1/device', async (request) => {
    checkVersions(request, context.minAppVersion);
    const device = await context.authenticateDevice(request);
    const row = await storage.get<{ high_water_mark: number }>(
      'SELECT high_water_mark FROM devices WHERE id = ?',
      [device.id],
    );
    return DeviceInfoSchema.parse({
      deviceId: device.id,
      facilityId: device.facilityId,
      profile: device.profile,
      highWaterMark: row?.high_water_mark ?? 0,
      epoch: await readEpoch(storage),
    });
  });

  app.post('/v1/push', async (request) => {
    checkVersions(request, context.minAppVersion);
    const device = await context.authenticateDevice(request);
    const input = PushRequestSchema.parse(request.body);
    return applyPush(storage, clock, device, input, (error, mutation) =>
      request.log.error(
        { err: error, mutationId: mutation.id, mutation: mutation.name },
        'mutation failed; stored as internal_error',
      ),
    );
  });

  app.post('/v1/pull', async (request, reply) => {
    checkVersions(request, context.minAppVersion);
    const device = await context.authenticateDevice(request);
    const input = PullRequestSchema.parse(request.body);
    // Already JSON text (pull.ts builds it from the stored canonical JSON).
    return reply.type('application/json').send(await pull(storage, clock, device, input));
  });
}
