import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema, RELEASE_STATUSES, STAFF_ROLES, visibleTextSchema } from '../../../domain';
import {
  MoveResidentRequestSchema,
  ReviewDecisionRequestSchema,
  RevokeReleaseRequestSchema,
  Sha256HexSchema,
  StaffLoginRequestSchema,
  StaffLoginResponseSchema,
  StaffSessionInfoSchema,
} from '../../protocol';
import { auditStaff } from '../audit';
import { moveResident, releaseResident } from '../housing';
import { STAFF_COOKIE, requestStaff, requireFacility } from '../http/access-control';
import { addTicketMessage } from '../mutations/tickets';
import { reject } from '../rejection';
import {
  auditTrail,
  decide,
  moveReleaseRequest,
  overdueMessages,
  reviewQueue,
  revokeRelease,
  unlockCustomer,
  unlockResident,
} from '../staff';
import {
  STAFF_SESSION_ABSOLUTE_MS,
  listSessions,
  revokeOwnSession,
  staffLogin,
} from '../staff-identity';
import { typed } from '../storage/typed';
import { inWork } from '../work';
import { sendBlob } from './blobs';
import type { RouteContext } from './context';
import { rateLimited } from './rate-limits';

const IdParams = z.object({ id: IdSchema });
const AttachmentParams = IdParams.extend({ sha256: Sha256HexSchema });
const QueueQuery = z.object({
  filter: z.enum(['pending', 'flagged', 'escalated']).default('pending'),
});
const AuditQuery = z.object({ subjectId: IdSchema });
const ReleaseMove = z.object({ status: z.enum(RELEASE_STATUSES) });
const AgentReply = z.object({
  ticketMessageId: z.uuid(),
  body: visibleTextSchema(1, 4000),
});

const staffWith = (...roles: (typeof STAFF_ROLES)[number][]) =>
  ({ config: { access: { kind: 'staff', roles } } }) as const;
const ANY_STAFF = staffWith(...STAFF_ROLES);

/** The staff API: sign-in and sessions, then each call behind the roles it names. */
export function staffRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  app.post(
    '/v1/staff/login',
    { config: { access: { kind: 'public' } }, ...rateLimited(app, 'staff-login') },
    async (request, reply) => {
      const input = StaffLoginRequestSchema.parse(request.body);
      const result = await staffLogin(storage, clock, {
        ...input,
        source: request.ip,
        userAgent: String(request.headers['user-agent'] ?? ''),
      });
      // __Host- cookies must be Secure, Path=/ and have no Domain: no subdomain can set or read it.
      reply.setCookie(STAFF_COOKIE, result.token, {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: '/',
        maxAge: STAFF_SESSION_ABSOLUTE_MS / 1000,
      });
      return StaffLoginResponseSchema.parse({
        staffId: result.session.staffId,
        name: result.session.name,
        grants: result.session.grants,
        csrfToken: result.csrfToken,
        expiresAt: result.expiresAt,
      });
    },
  );

  app.post('/v1/staff/logout', ANY_STAFF, async (request, reply) => {
    const staff = requestStaff(request);
    await inWork(storage, clock, (work) => revokeOwnSession(work, staff, staff.sessionId));
    reply.clearCookie(STAFF_COOKIE, {
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'strict',
    });
    return reply.status(204).send();
  });

  app.get('/v1/staff/me', ANY_STAFF, async (request) => {
    const { staffId, name, email, grants } = requestStaff(request);
    return { staffId, name, email, grants };
  });

  app.get('/v1/staff/sessions', ANY_STAFF, async (request) => ({
    sessions: z
      .array(StaffSessionInfoSchema)
      .parse(await listSessions(storage, clock, requestStaff(request))),
  }));

  app.post('/v1/staff/sessions/:id/revoke', ANY_STAFF, async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    await inWork(storage, clock, (work) => revokeOwnSession(work, requestStaff(request), id));
    return reply.status(204).send();
  });

  app.get('/v1/staff/review', staffWith('reviewer', 'supervisor'), async (request) => {
    const { filter } = QueueQuery.parse(request.query);
    return { items: await reviewQueue(storage, requestStaff(request), filter) };
  });

  app.post('/v1/staff/review/:id', staffWith('reviewer', 'supervisor'), async (request) => {
    const { id } = IdParams.parse(request.params);
    const decision = ReviewDecisionRequestSchema.parse(request.body);
    return inWork(storage, clock, (work) => decide(work, requestStaff(request), id, decision));
  });

  app.post('/v1/staff/messages/:id/revoke', staffWith('supervisor'), async (request) => {
    const { id } = IdParams.parse(request.params);
    const decision = RevokeReleaseRequestSchema.parse(request.body);
    return inWork(storage, clock, (work) =>
      revokeRelease(work, requestStaff(request), id, decision),
    );
  });

  /** The only way staff read attachments: one held by a message of their facilities. */
  app.get(
    '/v1/staff/review/:id/attachments/:sha256',
    staffWith('reviewer', 'supervisor'),
    async (request, reply) => {
      const { id, sha256 } = AttachmentParams.parse(request.params);
      const held = await typed(storage).first((db) =>
        db
          .selectFrom('message_attachments as a')
          .innerJoin('messages as m', 'm.id', 'a.message_id')
          .select('m.facility_id')
          .where('a.message_id', '=', id)
          .where('a.sha256', '=', sha256),
      );
      const what = `attachment ${sha256} on message ${id}`;
      if (!held) reject('not_found', `no ${what} here`);
      requireFacility(requestStaff(request), held.facility_id, what);
      return sendBlob(storage, request, reply, sha256);
    },
  );

  app.post('/v1/staff/residents/:id/unlock', staffWith('supervisor'), async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    await inWork(storage, clock, (work) => unlockResident(work, requestStaff(request), id));
    return reply.status(204).send();
  });

  app.post('/v1/staff/residents/:id/housing', staffWith('supervisor'), async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    const input = MoveResidentRequestSchema.parse(request.body);
    await inWork(storage, clock, (work) => moveResident(work, requestStaff(request), id, input));
    return reply.status(204).send();
  });

  app.post('/v1/staff/residents/:id/release', staffWith('supervisor'), async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    await inWork(storage, clock, (work) => releaseResident(work, requestStaff(request), id));
    return reply.status(204).send();
  });

  app.post('/v1/staff/customers/:id/unlock', staffWith('supervisor'), async (request, reply) => {
    const { id } = IdParams.parse(request.params);
    await inWork(storage, clock, (work) => unlockCustomer(work, requestStaff(request), id));
    return reply.status(204).send();
  });

  app.post('/v1/staff/tickets/:id/reply', staffWith('agent'), async (request, reply) => {
    const staff = requestStaff(request);
    const { id } = IdParams.parse(request.params);
    const input = AgentReply.parse(request.body);
    await inWork(storage, clock, async (work) => {
      const owner = await typed(work.tx).first((db) =>
        db
          .selectFrom('tickets as t')
          .innerJoin('residents as r', 'r.id', 't.resident_id')
          .select(['r.facility_id', 't.status'])
          .where('t.id', '=', id),
      );
      if (!owner) reject('not_found', `no ticket ${id} here`);
      requireFacility(staff, owner.facility_id, `ticket ${id}`);
      await addTicketMessage(work, id, {
        id: input.ticketMessageId,
        author: 'agent',
        body: input.body,
      });
      await auditStaff(
        work,
        staff,
        'ticket.reply',
        { type: 'ticket', id, facilityId: owner.facility_id },
        { before: { status: owner.status }, after: { reply: input.ticketMessageId } },
      );
    });
    return reply.status(204).send();
  });

  app.post('/v1/staff/release-requests/:id', staffWith('agent'), async (request) => {
    const { id } = IdParams.parse(request.params);
    const { status } = ReleaseMove.parse(request.body);
    return inWork(storage, clock, (work) =>
      moveReleaseRequest(work, requestStaff(request), id, status),
    );
  });

  app.get('/v1/staff/audit', staffWith('supervisor'), async (request) => {
    const { subjectId } = AuditQuery.parse(request.query);
    return { entries: await auditTrail(storage, requestStaff(request), subjectId) };
  });

  app.get('/v1/staff/overdue', staffWith('reviewer', 'supervisor'), async (request) => ({
    items: await overdueMessages(storage, requestStaff(request), clock().toISOString()),
  }));
}
