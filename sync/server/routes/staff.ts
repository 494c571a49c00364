import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RELEASE_STATUSES, visibleTextSchema } from '../../../domain';
import {
  ReviewDecisionRequestSchema,
  RevokeReleaseRequestSchema,
  Sha256HexSchema,
} from '../../protocol';
import { bearerToken } from '../http/bearer';
import { addTicketMessage } from '../mutations/tickets';
import {
  auditTrail,
  moveReleaseRequest,
  decide,
  overdueMessages,
  reviewQueue,
  revokeRelease,
  staffByToken,
  unlockCustomer,
  unlockResident,
} from '../staff';
import { inWork } from '../work';
import { audit } from '../audit';
import { reject } from '../rejection';
import { sendBlob } from './blobs';
import type { RouteContext } from './context';

const IdParams = z.object({ id: z.string().min(1).max(128) });
const AttachmentParams = IdParams.extend({ sha256: Sha256HexSchema });
const QueueQuery = z.object({
  filter: z.enum(['pending', 'flagged', 'escalated']).default('pending'),
});
const AuditQuery = z.object({ subjectId: z.string().min(1).max(128) });
const ReleaseMove = z.object({ status: z.enum(RELEASE_STATUSES) });
const AgentReply = z.object({
  ticketMessageId: z.uuid(),
  body: visibleTextSchema(1, 4000),
});

/** The staff API, behind staff bearer tokens issued by the admin API. */
export function staffRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;
  const staffOf = (request: FastifyRequest) => staffByToken(storage, bearerToken(request));

  app.get('/v1/staff/review', async (request) => {
    const staff = await staffOf(request);
    const { filter } = QueueQuery.parse(request.query);
    return { items: await reviewQueue(storage, staff, filter) };
  });

  app.post('/v1/staff/review/:id', async (request) => {
    const staff = await staffOf(request);
    const { id } = IdParams.parse(request.params);
    const decision = ReviewDecisionRequestSchema.parse(request.body);
    return inWork(storage, clock, (work) => decide(work, staff, id, decision));
  });

  app.post(
    '/v1/staff/messages/:id/revoke',
    { config: { access: { kind: 'staff', roles: ['supervisor'] } } },
    async (request) => {
      const staff = await staffOf(request);
      const { id } = IdParams.parse(request.params);
      const decision = RevokeReleaseRequestSchema.parse(request.body);
      return inWork(storage, clock, (work) => revokeRelease(work, staff, id, decision));
    },
  );

  app.get(
    '/v1/staff/review/:id/attachments/:sha256',
    { config: { access: { kind: 'staff', roles: ['reviewer', 'supervisor'] } } },
    async (request, reply) => {
      const staff = await staffOf(request);
      const { id, sha256 } = AttachmentParams.parse(request.params);
      const held = await storage.get(
        `SELECT 1 AS yes FROM message_attachments a JOIN messages m ON m.id = a.message_id
         WHERE a.message_id = ? AND a.sha256 = ? AND m.facility_id = ?`,
        [id, sha256, staff.facilityId],
      );
      if (!held) reject('not_found', `no attachment ${sha256} on message ${id} here`);
      return sendBlob(storage, request, reply, sha256);
    },
  );

  app.post('/v1/staff/residents/:id/unlock', async (request, reply) => {
    const staff = await staffOf(request);
    const { id } = IdParams.parse(request.params);
    await inWork(storage, clock, (work) => unlockResident(work, staff, id));
    return reply.status(204).send();
  });

  app.post('/v1/staff/customers/:id/unlock', async (request, reply) => {
    const staff = await staffOf(request);
    const { id } = IdParams.parse(request.params);
    await inWork(storage, clock, (work) => unlockCustomer(work, staff, id));
    return reply.status(204).send();
  });

  app.post('/v1/staff/tickets/:id/reply', async (request, reply) => {
    const staff = await staffOf(request);
    const { id } = IdParams.parse(request.params);
    const input = AgentReply.parse(request.body);
    await inWork(storage, clock, async (work) => {
      const owner = await work.tx.get<{ facility_id: string }>(
        'SELECT r.facility_id FROM tickets t JOIN residents r ON r.id = t.resident_id WHERE t.id = ?',
        [id],
      );
      if (owner?.facility_id !== staff.facilityId) reject('not_found', `no ticket ${id} here`);
      await addTicketMessage(work, id, {
        id: input.ticketMessageId,
        author: 'agent',
        body: input.body,
      });
      await audit(work, `staff:${staff.id}`, 'ticket.reply', 'ticket', id, {});
    });
    return reply.status(204).send();
  });

  app.post('/v1/staff/release-requests/:id', async (request) => {
    const staff = await staffOf(request);
    const { id } = IdParams.parse(request.params);
    const { status } = ReleaseMove.parse(request.body);
    return inWork(storage, clock, (work) => moveReleaseRequest(work, staff, id, status));
  });

  app.get('/v1/staff/audit', async (request) => {
    await staffOf(request);
    const { subjectId } = AuditQuery.parse(request.query);
    return { entries: await auditTrail(storage, subjectId) };
  });

  app.get('/v1/staff/overdue', async (request) => {
    const staff = await staffOf(request);
    return { items: await overdueMessages(storage, staff, clock().toISOString()) };
  });
}
