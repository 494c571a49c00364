import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AddResidentRequestSchema,
  ChangePasswordRequestSchema,
  CustomerAccountResponseSchema,
  CustomerDepositRequestSchema,
  CustomerMailRequestSchema,
  CustomerQuoteRequestSchema,
  CustomerStampPurchaseRequestSchema,
  ForgotPasswordRequestSchema,
  IdSchema,
  LoginRequestSchema,
  RegisterRequestSchema,
  ResidentLookupRequestSchema,
  StampRefundRequestSchema,
  StampRefundResponseSchema,
} from '../../protocol';
import {
  changePassword,
  customerBuyStamps,
  customerCardDeposit,
  customerSendMail,
  forgotPassword,
  linkResident,
  login,
  lookupResident,
  registerCustomer,
} from '../customers';
import { customerDeposits, customerMessageStatus, customerStampHistory } from '../customer-views';
import { requestCustomer } from '../http/access-control';
import { HttpError } from '../http/errors';
import { idempotent } from '../idempotency';
import { chargeThenBook, requirePayments } from '../money/card-charges';
import { bookStampRefund, settleStampRefunds, stampRefundLines } from '../money/stamp-refunds';
import { quoteCustomerDeposit, quotedCard } from '../money/quotes';
import { typed } from '../storage/typed';
import { inWork, type Work } from '../work';
import type { RouteContext } from './context';
import { rateLimited } from './rate-limits';

const MessageParams = z.object({ messageId: IdSchema });
const PUBLIC = { config: { access: { kind: 'public' } } } as const;
const CUSTOMER = { config: { access: { kind: 'customer' } } } as const;

/** The customer API (web and lobby): see sync/protocol customer.ts for every body. */
export function customerRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  app.post(
    '/v1/customers/lookup',
    { ...PUBLIC, ...rateLimited(app, 'lookup') },
    async (request) => {
      const input = ResidentLookupRequestSchema.parse(request.body);
      return lookupResident(storage, input.state, input.docNumber);
    },
  );

  app.post(
    '/v1/customers/register',
    { ...PUBLIC, ...rateLimited(app, 'register') },
    async (request, reply) => {
      const input = RegisterRequestSchema.parse(request.body);
      await registerCustomer(storage, clock, input);
      return reply.status(202).send({ accepted: true });
    },
  );

  app.post(
    '/v1/customers/login',
    { ...PUBLIC, ...rateLimited(app, 'customer-login') },
    async (request) => {
      const input = LoginRequestSchema.parse(request.body);
      return login(storage, clock, input.email, input.password, request.ip);
    },
  );

  app.post(
    '/v1/customers/forgot-password',
    { ...PUBLIC, ...rateLimited(app, 'forgot-password') },
    async (request, reply) => {
      const input = ForgotPasswordRequestSchema.parse(request.body);
      await forgotPassword(storage, clock, input.email);
      return reply.status(202).send({ accepted: true });
    },
  );

  app.post('/v1/customer/password', CUSTOMER, async (request, reply) => {
    const current = requestCustomer(request, { passwordChange: true });
    const input = ChangePasswordRequestSchema.parse(request.body);
    await changePassword(
      storage,
      clock,
      current,
      current.token,
      input.currentPassword,
      input.newPassword,
    );
    return reply.status(204).send();
  });

  app.post('/v1/customer/residents', CUSTOMER, async (request, reply) => {
    const { customerId } = requestCustomer(request);
    const input = AddResidentRequestSchema.parse(request.body);
    await inWork(storage, clock, (work) => linkResident(work, customerId, input.residentId));
    return reply.status(204).send();
  });

  /** Creating calls: the client's id is the idempotency key (first answer stored and replayed). */
  const creating = <T>(
    path: string,
    schema: { parse(input: unknown): T },
    keyOf: (input: T) => string,
    run: (work: Work, customerId: string, input: T) => Promise<unknown>,
  ) =>
    app.post(path, CUSTOMER, async (request, reply) => {
      const { customerId } = requestCustomer(request);
      const input = schema.parse(request.body);
      const answer = await inWork(storage, clock, (work) =>
        idempotent(work, keyOf(input), `customer:${customerId}`, input, 201, () =>
          run(work, customerId, input),
        ),
      );
      return reply.status(answer.status).send(answer.body);
    });

  creating('/v1/customer/mail', CustomerMailRequestSchema, (i) => i.messageId, customerSendMail);

  /** The fee, total, block explanation and card warning, before the customer confirms. */
  app.post('/v1/customer/quotes', CUSTOMER, async (request) => {
    const { customerId } = requestCustomer(request);
    const input = CustomerQuoteRequestSchema.parse(request.body);
    const card = await quotedCard(context, input.card?.token);
    return inWork(storage, clock, (work) => quoteCustomerDeposit(work, customerId, input, card));
  });

  /** Card purchases: charged through the processor, booked only once captured (card-charges.ts). */
  app.post('/v1/customer/stamps', CUSTOMER, async (request, reply) => {
    const { customerId } = requestCustomer(request);
    const input = CustomerStampPurchaseRequestSchema.parse(request.body);
    const answer = await chargeThenBook(context, {
      key: input.purchaseId,
      actor: `customer:${customerId}`,
      params: input,
      token: input.card.token,
      reference: `stamps ${input.purchaseId}`,
      book: (work, card, state) => customerBuyStamps(work, customerId, input, { card, state }),
      amountOf: (bought) => bought.priceCents,
    });
    return reply.status(answer.status).send(answer.body);
  });

  /** Money orders and MoneyGram are entered by finance when they arrive (POST /v1/staff/deposits). */
  const refusePaperDeposit = (): never => {
    throw new HttpError(
      403,
      'forbidden',
      'money orders and MoneyGram transfers are credited by the facility when they arrive',
    );
  };

  app.post('/v1/customer/deposits', CUSTOMER, async (request, reply) => {
    const { customerId } = requestCustomer(request);
    const input = CustomerDepositRequestSchema.parse(request.body);
    const actor = `customer:${customerId}`;
    const answer =
      input.channel === 'bank_card'
        ? await chargeThenBook(context, {
            key: input.depositId,
            actor,
            params: input,
            token: input.card.token,
            reference: `deposit ${input.depositId}`,
            book: (work, card, state) =>
              customerCardDeposit(work, customerId, input, { card, state }),
            amountOf: (deposit) => deposit.amountCents + deposit.feeCents,
          })
        : refusePaperDeposit();
    return reply.status(answer.status).send(answer.body);
  });

  /** One message's status: its sender sees the rejection reason, withheld items and refund. */
  app.get('/v1/customer/mail/:messageId', CUSTOMER, async (request) => {
    const { customerId } = requestCustomer(request);
    const { messageId } = MessageParams.parse(request.params);
    return customerMessageStatus(storage, customerId, messageId);
  });

  /** What reached residents from this customer (a mailed money order appears once entered). */
  app.get('/v1/customer/deposits', CUSTOMER, async (request) =>
    customerDeposits(storage, requestCustomer(request).customerId),
  );

  app.get('/v1/customer/stamps/history', CUSTOMER, async (request) =>
    customerStampHistory(storage, requestCustomer(request).customerId),
  );

  app.get('/v1/customer/account', CUSTOMER, async (request) => {
    const { customerId } = requestCustomer(request);
    const q = typed(storage);
    const stampsByAgency = await q.all((db) =>
      db
        .selectFrom('customer_stamps')
        .select(['agency', 'stamps'])
        .where('customer_id', '=', customerId)
        .orderBy('agency'),
    );
    const residents = await q.all((db) =>
      db
        .selectFrom('customer_residents')
        .select('resident_id')
        .where('customer_id', '=', customerId)
        .orderBy('resident_id'),
    );
    return CustomerAccountResponseSchema.parse({
      customerId,
      stamps: stampsByAgency.reduce((sum, row) => sum + row.stamps, 0),
      stampsByAgency,
      residentIds: residents.map((r) => r.resident_id),
    });
  });

  /**
   * Unused stamps of one agency back to the card payments they came from: booked once under
   * `refundId`, then paid back through the processor; a retry drives pending lines again.
   */
  app.post('/v1/customer/stamps/refunds', CUSTOMER, async (request, reply) => {
    const { customerId } = requestCustomer(request);
    const input = StampRefundRequestSchema.parse(request.body);
    requirePayments(context);
    const booked = await inWork(storage, clock, (work) =>
      idempotent(work, input.refundId, `customer:${customerId}`, input, 201, () =>
        bookStampRefund(work, customerId, input),
      ),
    );
    if (booked.status >= 400) return reply.status(booked.status).send(booked.body);
    await settleStampRefunds(context, input.refundId);
    const lines = await stampRefundLines(context, customerId, input.refundId);
    const settled = lines.every((line) => line.status !== 'pending');
    return reply.status(settled ? 201 : 202).send(
      StampRefundResponseSchema.parse({
        refundId: input.refundId,
        agency: input.agency,
        stamps: lines.reduce((sum, line) => sum + line.stamps, 0),
        cents: lines.reduce((sum, line) => sum + line.cents, 0),
        lines,
      }),
    );
  });
}
