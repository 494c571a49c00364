import type { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEVICE_PROFILES } from '../../../domain';
import {
  DeviceInfoSchema,
  EnrollRequestSchema,
  PullRequestSchema,
  PushRequestSchema,
  SessionRequestSchema,
  type PushRequest,
} from '../../protocol';
import { enrollDevice } from '../enrollment';
import { readEpoch } from '../epoch';
import { requestDevice } from '../http/access-control';
import { HttpError } from '../http/errors';
import { MAX_JSON_BYTES } from '../http/raw-body';
import { checkVersions } from '../http/versions';
import { pull } from '../pull';
import { typed } from '../storage/typed';
import { applyPush } from '../push';
import type { RouteContext } from './context';
import { rateLimited } from './rate-limits';

const anyDevice = { kind: 'device', profiles: DEVICE_PROFILES } as const;

/**
 * How far past its high-water mark a device may number a batch, beyond the batch's own size: a
 * device settles some mutations locally without pushing them (one too large to send), which
 * leaves gaps. A sequence far beyond that (2^53 - 1) would wedge the device's own queue.
 */
const PUSH_SEQ_SLACK = 1000;

// Bodies parsed once, in the route's acceptance (before the anti-replay window moves), and
// taken from here by the handler.
const parsedPushes = new WeakMap<FastifyRequest, PushRequest>();
const parsedPulls = new WeakMap<FastifyRequest, z.output<typeof PullRequestSchema>>();

/** The device API: enrollment, sessions, identity, push and pull. Every call states its versions. */
export function deviceRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  app.post(
    '/v1/enroll',
    { config: { access: { kind: 'public' } }, ...rateLimited(app, 'enroll') },
    async (request, reply) => {
      checkVersions(request, context.minAppVersion);
      const input = EnrollRequestSchema.parse(request.body);
      const enrolled = await enrollDevice(storage, clock, input);
      const servicePublicKey = await context.pageSigner.publicKey();
      request.log.info(
        { deviceId: enrolled.deviceId, facilityId: enrolled.facilityId },
        'device enrolled',
      );
      return reply.status(201).send({ ...enrolled, servicePublicKey });
    },
  );

  app.get('/v1/device', { config: { access: anyDevice } }, async (request) => {
    const device = requestDevice(request);
    const row = await typed(storage).first((db) =>
      db.selectFrom('devices').select('high_water_mark').where('id', '=', device.id),
    );
    return DeviceInfoSchema.parse({
      deviceId: device.id,
      facilityId: device.facilityId,
      profile: device.profile,
      highWaterMark: row?.high_water_mark ?? 0,
      epoch: await readEpoch(storage),
      servicePublicKey: await context.pageSigner.publicKey(),
    });
  });

  // Signed only: a session MAC can never open the next session, so a stolen session key dies
  // with its session.
  app.post(
    '/v1/session',
    {
      config: {
        access: { ...anyDevice, signed: true },
        acceptDevice: (request) => void SessionRequestSchema.parse(request.body),
      },
    },
    async (request) => {
      const input = SessionRequestSchema.parse(request.body);
      return context.deviceSessions.open(requestDevice(request).id, input.publicKey);
    },
  );

  app.post(
    '/v1/push',
    {
      bodyLimit: MAX_JSON_BYTES,
      config: {
        access: anyDevice,
        // Checked before the anti-replay window moves: a refused body burns no counter.
        acceptDevice(request, device) {
          const input = PushRequestSchema.parse(request.body);
          const last = input.mutations.at(-1)?.seq ?? 0;
          const limit = device.highWaterMark + input.mutations.length + PUSH_SEQ_SLACK;
          if (last > limit)
            throw new HttpError(
              400,
              'bad_request',
              `seq ${last} is beyond this device's high-water mark ${device.highWaterMark} plus the batch`,
            );
          parsedPushes.set(request, input);
        },
      },
    },
    async (request) => {
      const input = parsedPushes.get(request) ?? PushRequestSchema.parse(request.body);
      return applyPush(storage, clock, requestDevice(request), input, (error, mutation) =>
        request.log.error(
          { err: error, mutationId: mutation.id, mutation: mutation.name },
          'mutation failed; stored as internal_error',
        ),
      );
    },
  );

  app.post(
    '/v1/pull',
    {
      config: {
        access: anyDevice,
        acceptDevice: (request) =>
          void parsedPulls.set(request, PullRequestSchema.parse(request.body)),
      },
    },
    async (request, reply) => {
      const input = parsedPulls.get(request) ?? PullRequestSchema.parse(request.body);
      // Already JSON text (pull.ts builds it from the stored canonical change data), signed.
      return reply
        .type('application/json')
        .send(await pull(storage, clock, requestDevice(request), input, context.pageSigner));
    },
  );
}
