import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type {
  CapturedCharge,
  DisputeEvent,
  PaymentFailure,
  PaymentResult,
  PaymentsPort,
  ProcessorCard,
} from './payments';

/**
 * The payments port over HTTP, for the processor simulator's API (sync/processor), which has the
 * shape real processors share: bearer secret key, `Idempotency-Key` on every write, separate
 * authorize and capture, refunds, and webhooks signed `t=<unix>,v1=<hex HMAC-SHA256 of
 * "t.body">`. A real processor plugs in as another adapter of the same port (docs/money.md).
 */

export interface HttpProcessorOptions {
  baseUrl: string;
  secretKey: string;
  webhookSecret: string;
  /** Per request; a processor that does not answer in time counts as unavailable. */
  timeoutMs?: number;
  /** How old a signed webhook may be (replays of old events are refused). */
  webhookToleranceSeconds?: number;
}

export const PROCESSOR_SIGNATURE_HEADER = 'processor-signature';

const CardSchema = z.object({
  brand: z.string(),
  last4: z.string().regex(/^\d{4}$/),
  expMonth: z.number().int(),
  expYear: z.number().int(),
  funding: z.enum(['debit', 'credit', 'prepaid', 'unknown']).catch('unknown'),
  fingerprint: z.string().min(8),
});
const TokenSchema = z.object({ card: CardSchema, used: z.boolean() });
const PaymentSchema = z.object({
  id: z.string(),
  status: z.string(),
  amountCents: z.number().int(),
  capturedCents: z.number().int(),
  card: CardSchema,
});
const RefundSchema = z.object({ id: z.string() });
const ErrorSchema = z.object({ error: z.object({ type: z.string(), code: z.string() }) });
const EventSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.string(),
  created: z.number().int(),
  data: z.unknown(),
});
const DisputeDataSchema = z.object({
  dispute: z.object({
    id: z.string().min(1).max(100),
    paymentId: z.string().min(1).max(100),
    amountCents: z.number().int().positive(),
    reason: z.string().max(100),
  }),
});

type Answer = { ok: true; body: unknown } | ({ ok: false } & PaymentFailure);

export function createHttpProcessor(options: HttpProcessorOptions): PaymentsPort {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const tolerance = options.webhookToleranceSeconds ?? 300;

  async function call(method: string, path: string, body?: unknown, key?: string): Promise<Answer> {
    let response: Response;
    try {
      response = await fetch(new URL(path, options.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${options.secretKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { ok: false, reason: 'unavailable', message: (error as Error).message };
    }
    const json: unknown = await response.json().catch(() => null);
    if (response.ok) return { ok: true, body: json };
    const error = ErrorSchema.safeParse(json);
    const code = error.success ? error.data.error.code : `http_${response.status}`;
    if (response.status === 402) return { ok: false, reason: 'declined', code };
    if (response.status === 400 || response.status === 404) {
      return { ok: false, reason: 'invalid_token', code };
    }
    // 401 (our key), 409 (a key reused), 429, 5xx: the processor did not take the money.
    return { ok: false, reason: 'unavailable', message: `processor answered ${response.status}` };
  }

  const asCard = (card: z.infer<typeof CardSchema>): ProcessorCard => card;

  return {
    async lookupToken(token) {
      const answer = await call('GET', `/v1/tokens/${encodeURIComponent(token)}`);
      if (!answer.ok) return answer;
      const parsed = TokenSchema.parse(answer.body);
      return { ok: true, card: asCard(parsed.card), used: parsed.used };
    },

    async charge({ key, token, amountCents, reference }) {
      const authorized = await call(
        'POST',
        '/v1/payments',
        { token, amountCents, currency: 'usd', reference },
        `${key}:authorize`,
      );
      if (!authorized.ok) return authorized;
      const payment = PaymentSchema.parse(authorized.body);
      const captured = await call(
        'POST',
        `/v1/payments/${encodeURIComponent(payment.id)}/capture`,
        {},
        `${key}:capture`,
      );
      // Left authorized, a retry with the same key finds this authorization and captures it.
      if (!captured.ok) return captured;
      const done = PaymentSchema.parse(captured.body);
      const charge: CapturedCharge = {
        chargeId: done.id,
        amountCents: done.capturedCents,
        card: asCard(done.card),
      };
      return { ok: true, charge } satisfies PaymentResult<{ charge: CapturedCharge }>;
    },

    async refund({ key, chargeId, amountCents }) {
      const answer = await call(
        'POST',
        `/v1/payments/${encodeURIComponent(chargeId)}/refunds`,
        { amountCents },
        key,
      );
      if (!answer.ok) return answer;
      return { ok: true, refundId: RefundSchema.parse(answer.body).id };
    },

    verifyEvent(rawBody, signature, now) {
      const parts = new Map(
        (signature ?? '').split(',').map((part) => {
          const at = part.indexOf('=');
          return [part.slice(0, at), part.slice(at + 1)] as const;
        }),
      );
      const timestamp = Number(parts.get('t'));
      const given = Buffer.from(parts.get('v1') ?? '', 'hex');
      if (!Number.isInteger(timestamp) || given.length !== 32) return null;
      if (Math.abs(now.getTime() / 1000 - timestamp) > tolerance) return null;
      const expected = createHmac('sha256', options.webhookSecret)
        .update(`${timestamp}.`)
        .update(rawBody)
        .digest();
      if (!timingSafeEqual(given, expected)) return null;
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return null;
      }
      const event = EventSchema.safeParse(json);
      if (!event.success || event.data.created !== timestamp) return null;
      if (event.data.type !== 'dispute.created') return 'ignored';
      const data = DisputeDataSchema.safeParse(event.data.data);
      if (!data.success) return null;
      const dispute: DisputeEvent = {
        eventId: event.data.id,
        type: 'dispute.created',
        disputeId: data.data.dispute.id,
        chargeId: data.data.dispute.paymentId,
        amountCents: data.data.dispute.amountCents,
        reason: data.data.dispute.reason,
      };
      return dispute;
    },
  };
}
