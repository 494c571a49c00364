import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TEST_CARD_NUMBERS, type TestCardName } from './card-emulator';
import type { BillOutcome } from './bill-emulator';
import { FaultRequestSchema, type KioskControls } from './kiosk';
import { panelPage } from './panel-page';

const SwipeSchema = z
  .object({
    card: z.enum(Object.keys(TEST_CARD_NUMBERS) as [TestCardName, ...TestCardName[]]),
    name: z
      .string()
      .regex(/^[A-Z /.-]{2,26}$/)
      .optional(),
    expiry: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
    serviceCode: z
      .string()
      .regex(/^\d{3}$/)
      .optional(),
    badTrack1: z.boolean().optional(),
    badTrack2: z.boolean().optional(),
  })
  .strict();
const BillSchema = z.object({ cents: z.number().int().min(1).max(1_000_000) }).strict();
const BadgeSchema = z
  .object({
    badge: z
      .string()
      .max(128)
      .regex(/^[\x20-\x7e]*$/, 'printable ASCII'),
    aim: z
      .string()
      .regex(/^\][A-Za-z][0-9A-Za-z]$/)
      .optional(),
  })
  .strict();

/** How long the bill answer waits for the acceptor to look at the bill. */
const BILL_DECISION_MS = 5000;

/** A POST handler: validate the body, run the action, answer 400 with the problems if any. */
function act<T>(schema: z.ZodType<T>, run: (body: T) => unknown) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const parsed = schema.safeParse(request.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.')}: ${issue.message}`,
      );
      return reply.code(400).send({ error: 'bad request', issues });
    }
    try {
      return { ok: true, result: (await run(parsed.data)) ?? null };
    } catch (error) {
      return reply
        .code(400)
        .send({ error: error instanceof Error ? error.message : String(error) });
    }
  };
}

/**
 * The tester's web panel and JSON API on 127.0.0.1: swipe, insert a bill, scan a badge, inject a
 * fault, read what was printed. Bad requests get a 400 with the problems listed.
 */
export async function startPanel(
  controls: KioskControls,
  extra: () => Record<string, unknown>,
  port = 0,
): Promise<{ url: string; server: FastifyInstance }> {
  const server = Fastify({ logger: false });
  server.post(
    '/api/swipe',
    act(SwipeSchema, (body) => controls.swipe(body)),
  );
  server.post(
    '/api/bill',
    act(BillSchema, async (body) => {
      // a refused bill says why: the slot is closed (and why), or the acceptor gave it back
      const reason = controls.billSlotClosedBecause();
      if (reason) return { taken: false, reason };
      let timer: NodeJS.Timeout | undefined;
      const outcome = await new Promise<BillOutcome | 'undecided' | null>((resolve) => {
        timer = setTimeout(() => resolve('undecided'), BILL_DECISION_MS);
        if (!controls.insertBill(body.cents, resolve)) resolve(null);
      });
      clearTimeout(timer);
      if (outcome === null) return { taken: false, reason: controls.billSlotClosedBecause() };
      return outcome === 'unknown_bill' || outcome === 'denomination_inhibited'
        ? { taken: false, reason: outcome }
        : { taken: true, outcome };
    }),
  );
  server.post(
    '/api/badge',
    act(BadgeSchema, (body) => controls.scanBadge(body.badge, body)),
  );
  server.post(
    '/api/fault',
    act(FaultRequestSchema, (body) => controls.inject(body)),
  );
  server.get('/api/state', async () => ({ ...extra(), printed: controls.printed() }));
  server.get('/', async (request, reply) => {
    const lang = (request.query as { lang?: string }).lang === 'es' ? 'es' : 'en';
    return reply.type('text/html; charset=utf-8').send(panelPage(lang, controls.printedHtml()));
  });
  const url = await server.listen({ host: '127.0.0.1', port });
  return { url, server };
}
