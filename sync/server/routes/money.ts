import type { FastifyInstance } from 'fastify';
import { evaluateDeposit, assessCard } from '../../../domain';
import {
  CashCollectionRequestSchema,
  CashReportQuerySchema,
  CashReportResponseSchema,
  FinanceDepositRequestSchema,
  KioskCardChargeRequestSchema,
  type KioskCardChargeResponse,
} from '../../protocol';
import { openChargebacks } from '../chargebacks';
import { cardPayer } from '../deposits';
import { HttpError } from '../http/errors';
import { rawBody } from '../http/raw-body';
import { requestDevice, requestStaff } from '../http/access-control';
import { idempotent } from '../idempotency';
import { enterPaperDeposit } from '../money/finance-entry';
import { cashReport, recordCashCollection } from '../money/cash-report';
import { chargeThenBook, recordCharge } from '../money/card-charges';
import { applyDispute } from '../money/disputes';
import { PROCESSOR_SIGNATURE_HEADER } from '../money/http-processor';
import { reject } from '../rejection';
import { residentInFacility } from '../residents';
import { inWork } from '../work';
import type { RouteContext } from './context';

/**
 * Card money that is not a customer's web purchase:
 * - POST /v1/card-payments: a kiosk charges a card through the service before it queues the
 *   deposit or purchase that claims the charge (only signed kiosk and lobby devices; a resident
 *   of another facility is not found; a card or resident under a chargeback block is refused
 *   before the card is touched);
 * - POST /v1/processor/webhooks: the processor's signed notices (disputes become chargebacks).
 *   Anyone can reach it; only a body signed with the webhook secret, at most five minutes old,
 *   is acted on, and each event once;
 * - POST /v1/staff/deposits: finance staff of the resident's facility enter a money order or
 *   MoneyGram transfer that has arrived (the deposit id is the idempotency key);
 * - POST /v1/staff/cash-collections, GET /v1/staff/cash-report: finance staff of the kiosk's
 *   facility record a counted cash box and read one kiosk's cash, booked against counted.
 */
export function moneyRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  app.post(
    '/v1/card-payments',
    { config: { access: { kind: 'device', profiles: ['kiosk', 'lobby'] } } },
    async (request, reply) => {
      const device = requestDevice(request);
      const input = KioskCardChargeRequestSchema.parse(request.body);
      const answer = await chargeThenBook<KioskCardChargeResponse>(context, {
        key: `kiosk-card:${input.paymentId}`,
        actor: `device:${device.id}`,
        params: input,
        token: input.card.token,
        reference: `kiosk ${device.id} payment ${input.paymentId}`,
        amountOf: (charged) => charged.amountCents,
        book: async (work, card, state): Promise<KioskCardChargeResponse> => {
          await residentInFacility(work.tx, device.facilityId, input.residentId);
          const assessed = assessCard(card);
          if (!assessed.ok) reject('invalid_args', assessed.error.message);
          const payer = cardPayer(card);
          const decision = evaluateDeposit(
            await openChargebacks(work.tx, payer, input.residentId),
            { customerId: payer, residentId: input.residentId, channel: 'kiosk_card' },
          );
          if (!decision.allowed) {
            reject('blocked', 'this card or resident is blocked from card payments');
          }
          if (!state.dryRun) {
            await recordCharge(work, {
              charge: state.charge,
              paymentKey: `kiosk-card:${input.paymentId}`,
              payer: `device:${device.id}`,
              residentId: input.residentId,
              claimedBy: null,
            });
          }
          return {
            chargeId: state.dryRun ? 'pending' : state.charge.chargeId,
            amountCents: input.amountCents,
            card: { brand: card.brand, last4: card.last4, funding: card.funding },
          };
        },
      });
      return reply.status(answer.status).send(answer.body);
    },
  );

  app.post(
    '/v1/processor/webhooks',
    { config: { access: { kind: 'webhook', source: 'processor' } } },
    async (request, reply) => {
      if (!context.payments) throw new HttpError(404, 'not_found', 'no processor configured');
      const signature = request.headers[PROCESSOR_SIGNATURE_HEADER];
      const event = context.payments.verifyEvent(
        rawBody(request),
        typeof signature === 'string' ? signature : undefined,
        clock(),
      );
      if (event === null) {
        request.log.warn('a processor webhook with a bad or stale signature was refused');
        throw new HttpError(401, 'unauthorized', 'the signature does not match');
      }
      if (event === 'ignored') return reply.status(200).send({ received: true });
      const outcome = await inWork(storage, clock, (work) => applyDispute(work, event));
      if (outcome === 'unknown_charge') {
        request.log.error({ chargeId: event.chargeId }, 'a dispute for a charge we never booked');
      }
      return reply.status(200).send({ received: true, outcome });
    },
  );

  app.post(
    '/v1/staff/deposits',
    { config: { access: { kind: 'staff', roles: ['finance'] } } },
    async (request, reply) => {
      const staff = requestStaff(request);
      const input = FinanceDepositRequestSchema.parse(request.body);
      const answer = await inWork(storage, clock, (work) =>
        idempotent(work, input.depositId, `staff:${staff.staffId}`, input, 201, () =>
          enterPaperDeposit(work, staff, input),
        ),
      );
      return reply.status(answer.status).send(answer.body);
    },
  );

  const FINANCE = { config: { access: { kind: 'staff', roles: ['finance'] } } } as const;

  /** Finance records the cash it counted in a kiosk's cash box (idempotent by collectionId). */
  app.post('/v1/staff/cash-collections', FINANCE, async (request, reply) => {
    const staff = requestStaff(request);
    const input = CashCollectionRequestSchema.parse(request.body);
    const answer = await inWork(storage, clock, (work) =>
      idempotent(work, input.collectionId, `staff:${staff.staffId}`, input, 201, () =>
        recordCashCollection(work, staff, input),
      ),
    );
    return reply.status(answer.status).send(answer.body);
  });

  /** One kiosk's cash in a period: booked by the service against counted by finance. */
  app.get('/v1/staff/cash-report', FINANCE, async (request) =>
    CashReportResponseSchema.parse(
      await cashReport(storage, requestStaff(request), CashReportQuerySchema.parse(request.query)),
    ),
  );
}
