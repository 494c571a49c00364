import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  behaviorOf,
  brandOf,
  fundingOf,
  luhnValid,
  TEST_CARDS,
  type CardBehavior,
} from './test-cards';

/**
 * A card processor's sandbox, as its own HTTP service: tokens it issued, authorize, capture,
 * void, refund, idempotency keys, declines and errors chosen by test card numbers, and signed
 * webhooks for disputes. The central service talks to it only over HTTP, exactly as it would to
 * a real processor. It keeps tokens and the card's brand, last four and expiry: never the number
 * or the security code, which are dropped as soon as a token is made.
 */

export interface ProcessorSimulatorOptions {
  /** Server-side secret key (authorize, capture, void, refund, webhook endpoints). */
  secretKey: string;
  /** Publishable key: may only make tokens (what a web page or card reader holds). */
  publishableKey: string;
  /** Shared secret that signs webhooks (HMAC-SHA256 over `${timestamp}.${body}`). */
  webhookSecret: string;
  clock?: () => Date;
}

const SIGNATURE_HEADER = 'processor-signature';

interface CardOnFile {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  funding: string;
  /** The same for every token of one card, and not reversible without the simulator's key. */
  fingerprint: string;
}

interface StoredToken {
  card: CardOnFile;
  behavior: CardBehavior;
  used: boolean;
}

interface Payment {
  id: string;
  status: 'authorized' | 'captured' | 'voided';
  amountCents: number;
  capturedCents: number;
  refundedCents: number;
  reference: string;
  card: CardOnFile;
  createdAt: string;
}

interface Answer {
  status: number;
  body: unknown;
}

const TokenRequest = z.object({
  number: z.string().regex(/^\d{12,19}$/),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int().min(2000).max(2100),
  /** Absent for a card-present swipe (a magstripe carries no CVC). */
  cvc: z
    .string()
    .regex(/^\d{3,4}$/)
    .optional(),
});
const PaymentRequest = z.object({
  token: z.string().min(1).max(100),
  amountCents: z.number().int().min(50).max(1_000_000),
  currency: z.literal('usd'),
  reference: z.string().min(1).max(200),
});
const RefundRequest = z.object({ amountCents: z.number().int().min(1) });
const DisputeRequest = z.object({
  paymentId: z.string().min(1),
  amountCents: z.number().int().min(1).optional(),
  reason: z.enum(['fraudulent', 'product_not_received', 'unrecognized', 'general']),
});
const EndpointRequest = z.object({ url: z.url() });
const OutageRequest = z.object({ down: z.boolean() });

const fail = (status: number, type: string, code: string, message: string): Answer => ({
  status,
  body: { error: { type, code, message } },
});

function signWebhook(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function keyMatches(request: FastifyRequest, expected: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${expected}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function createProcessorSimulator(options: ProcessorSimulatorOptions): FastifyInstance {
  const clock = options.clock ?? (() => new Date());
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const tokens = new Map<string, StoredToken>();
  const payments = new Map<string, Payment>();
  const idempotency = new Map<string, { fingerprint: string; answer: Answer }>();
  const webhookEndpoints: string[] = [];
  // Stable across restarts (derived from the secret key), so a card keeps its fingerprint.
  const fingerprintKey = createHmac('sha256', options.secretKey).update('fingerprint').digest();
  let down = false;

  const send = (reply: FastifyReply, answer: Answer) =>
    reply.status(answer.status).send(answer.body);

  /** Secret-key calls: outage first, then the key, then the stored answer for a reused key. */
  async function serverCall(
    request: FastifyRequest,
    reply: FastifyReply,
    run: () => Answer,
  ): Promise<FastifyReply> {
    if (down) return send(reply, fail(503, 'api_error', 'unavailable', 'the processor is down'));
    if (!keyMatches(request, options.secretKey)) {
      return send(reply, fail(401, 'authentication_error', 'invalid_api_key', 'bad secret key'));
    }
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) return send(reply, run());
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const stored = idempotency.get(key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        return send(
          reply,
          fail(409, 'idempotency_error', 'key_reused', `key ${key} was used with other parameters`),
        );
      }
      return send(reply, stored.answer);
    }
    const answer = run();
    idempotency.set(key, { fingerprint, answer });
    return send(reply, answer);
  }

  function parse<T>(schema: z.ZodType<T>, body: unknown): T | Answer {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    return fail(400, 'invalid_request_error', 'parameter_invalid', z.prettifyError(parsed.error));
  }
  const isAnswer = (value: unknown): value is Answer =>
    typeof value === 'object' && value !== null && 'status' in value && 'body' in value;

  app.post('/v1/tokens', async (request, reply) => {
    if (down) return send(reply, fail(503, 'api_error', 'unavailable', 'the processor is down'));
    if (!keyMatches(request, options.publishableKey) && !keyMatches(request, options.secretKey)) {
      return send(reply, fail(401, 'authentication_error', 'invalid_api_key', 'bad key'));
    }
    const input = parse(TokenRequest, request.body);
    if (isAnswer(input)) {
      // Never echo the body: it holds a card number.
      return send(reply, fail(400, 'card_error', 'invalid_number', 'the card details are invalid'));
    }
    if (!luhnValid(input.number)) {
      return send(reply, fail(402, 'card_error', 'invalid_number', 'the card number is invalid'));
    }
    const card: CardOnFile = {
      brand: brandOf(input.number),
      last4: input.number.slice(-4),
      expMonth: input.expMonth,
      expYear: input.expYear,
      funding: fundingOf(input.number),
      fingerprint: createHmac('sha256', fingerprintKey)
        .update(input.number)
        .digest('hex')
        .slice(0, 32),
    };
    const id = newId('tok');
    tokens.set(id, { card, behavior: behaviorOf(input.number), used: false });
    return reply.status(201).send({ id, card });
  });

  app.get<{ Params: { id: string } }>('/v1/tokens/:id', (request, reply) =>
    serverCall(request, reply, () => {
      const token = tokens.get(request.params.id);
      if (!token) return fail(404, 'invalid_request_error', 'token_invalid', 'no such token');
      return { status: 200, body: { id: request.params.id, card: token.card, used: token.used } };
    }),
  );

  app.post('/v1/payments', (request, reply) =>
    serverCall(request, reply, () => {
      const input = parse(PaymentRequest, request.body);
      if (isAnswer(input)) return input;
      const token = tokens.get(input.token);
      if (!token) return fail(400, 'invalid_request_error', 'token_invalid', 'no such token');
      if (token.used) return fail(400, 'invalid_request_error', 'token_used', 'token already used');
      if (token.behavior.kind === 'processing_error') {
        return fail(500, 'api_error', 'processing_error', 'the card network failed');
      }
      if (token.behavior.kind === 'decline') {
        return fail(402, 'card_error', token.behavior.code, 'the card was declined');
      }
      token.used = true;
      const payment: Payment = {
        id: newId('pay'),
        status: 'authorized',
        amountCents: input.amountCents,
        capturedCents: 0,
        refundedCents: 0,
        reference: input.reference,
        card: token.card,
        createdAt: clock().toISOString(),
      };
      payments.set(payment.id, payment);
      return { status: 201, body: payment };
    }),
  );

  const withPayment = (id: string, run: (payment: Payment) => Answer): Answer => {
    const payment = payments.get(id);
    return payment
      ? run(payment)
      : fail(404, 'invalid_request_error', 'resource_missing', `no payment ${id}`);
  };

  app.get<{ Params: { id: string } }>('/v1/payments/:id', (request, reply) =>
    serverCall(request, reply, () =>
      withPayment(request.params.id, (payment) => ({ status: 200, body: payment })),
    ),
  );

  app.post<{ Params: { id: string } }>('/v1/payments/:id/capture', (request, reply) =>
    serverCall(request, reply, () =>
      withPayment(request.params.id, (payment) => {
        if (payment.status === 'captured') return { status: 200, body: payment };
        if (payment.status !== 'authorized') {
          return fail(400, 'invalid_request_error', 'payment_voided', 'the payment was voided');
        }
        payment.status = 'captured';
        payment.capturedCents = payment.amountCents;
        return { status: 200, body: payment };
      }),
    ),
  );

  app.post<{ Params: { id: string } }>('/v1/payments/:id/void', (request, reply) =>
    serverCall(request, reply, () =>
      withPayment(request.params.id, (payment) => {
        if (payment.status === 'captured') {
          return fail(400, 'invalid_request_error', 'payment_captured', 'refund it instead');
        }
        payment.status = 'voided';
        return { status: 200, body: payment };
      }),
    ),
  );

  app.post<{ Params: { id: string } }>('/v1/payments/:id/refunds', (request, reply) =>
    serverCall(request, reply, () =>
      withPayment(request.params.id, (payment) => {
        const input = parse(RefundRequest, request.body);
        if (isAnswer(input)) return input;
        if (payment.status !== 'captured') {
          return fail(400, 'invalid_request_error', 'payment_not_captured', 'nothing to refund');
        }
        if (payment.refundedCents + input.amountCents > payment.capturedCents) {
          return fail(400, 'invalid_request_error', 'amount_too_large', 'more than was captured');
        }
        payment.refundedCents += input.amountCents;
        return {
          status: 201,
          body: { id: newId('re'), paymentId: payment.id, amountCents: input.amountCents },
        };
      }),
    ),
  );

  app.post('/v1/webhook_endpoints', (request, reply) =>
    serverCall(request, reply, () => {
      const input = parse(EndpointRequest, request.body);
      if (isAnswer(input)) return input;
      if (!webhookEndpoints.includes(input.url)) webhookEndpoints.push(input.url);
      return { status: 201, body: { url: input.url } };
    }),
  );

  /** Sandbox documentation: the test card numbers by what they do (nothing secret). */
  app.get('/v1/test/cards', async () => TEST_CARDS);

  /** Sandbox control: the cardholder disputes a captured payment; every endpoint is told. */
  app.post('/v1/test/disputes', async (request, reply) => {
    if (!keyMatches(request, options.secretKey)) {
      return send(reply, fail(401, 'authentication_error', 'invalid_api_key', 'bad secret key'));
    }
    const input = parse(DisputeRequest, request.body);
    if (isAnswer(input)) return send(reply, input);
    const payment = payments.get(input.paymentId);
    if (!payment || payment.status !== 'captured') {
      return send(reply, fail(404, 'invalid_request_error', 'resource_missing', 'no capture'));
    }
    const dispute = {
      id: newId('dp'),
      paymentId: payment.id,
      amountCents: Math.min(input.amountCents ?? payment.capturedCents, payment.capturedCents),
      reason: input.reason,
    };
    const deliveries = await deliver('dispute.created', { dispute });
    return reply.status(201).send({ dispute, deliveries });
  });

  /** Sandbox control: every API call but this one answers 503 while down. */
  app.post('/v1/test/outage', async (request, reply) => {
    if (!keyMatches(request, options.secretKey)) {
      return send(reply, fail(401, 'authentication_error', 'invalid_api_key', 'bad secret key'));
    }
    const input = parse(OutageRequest, request.body);
    if (isAnswer(input)) return send(reply, input);
    down = input.down;
    return { down };
  });

  async function deliver(type: string, data: unknown) {
    const event = { id: newId('evt'), type, created: Math.floor(clock().getTime() / 1000), data };
    const body = JSON.stringify(event);
    const signature = signWebhook(options.webhookSecret, event.created, body);
    return Promise.all(
      webhookEndpoints.map(async (url) => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          return { url, eventId: event.id, status: response.status };
        } catch (error) {
          return { url, eventId: event.id, status: 0, error: (error as Error).message };
        }
      }),
    );
  }

  return app;
}
