import { z } from 'zod';
import type { SwipeFields } from './tracks';

/** Where a reader tokenizes at the card processor: its address and the publishable key. */
export const ProcessorTokenizerSchema = z
  .object({
    url: z.string().url(),
    /** Publishable: it can only create tokens, never charge them. */
    publishableKey: z.string().min(8),
    timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
  })
  .strict();
export type ProcessorTokenizer = z.output<typeof ProcessorTokenizerSchema>;

const TokenAnswerSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/) });

/**
 * The processor's tokenization request for a card-present swipe (no CVC on a magstripe), built
 * as bytes before the swipe's buffers are overwritten: the number never becomes a string, and
 * the body is overwritten once sent.
 */
export function tokenRequestBody(fields: SwipeFields): Uint8Array<ArrayBuffer> {
  const yymm = fields.expiry.toString('latin1');
  const head = Buffer.from('{"number":"', 'latin1');
  const tail = Buffer.from(
    `","expMonth":${Number(yymm.slice(2, 4))},"expYear":${2000 + Number(yymm.slice(0, 2))}}`,
    'latin1',
  );
  const body = new Uint8Array(head.length + fields.pan.length + tail.length);
  body.set(head);
  body.set(fields.pan, head.length);
  body.set(tail, head.length + fields.pan.length);
  return body;
}

/**
 * Trades the card for the processor's token (`POST /v1/tokens`), so the number goes from the
 * reader straight to the processor and never reaches the central service, a disk or a log.
 * Undefined when the processor cannot be reached or refuses: the read then keeps the reader's
 * own token, which the processor does not know, so the payment is refused, never booked.
 */
export async function tokenizeAtProcessor(
  tokenizer: ProcessorTokenizer,
  body: Uint8Array<ArrayBuffer>,
): Promise<string | undefined> {
  try {
    const response = await fetch(new URL('/v1/tokens', tokenizer.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenizer.publishableKey}`,
        'content-type': 'application/json',
      },
      body,
      signal: AbortSignal.timeout(tokenizer.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const answer = TokenAnswerSchema.safeParse(await response.json());
    return answer.success ? answer.data.id : undefined;
  } catch {
    return undefined;
  } finally {
    body.fill(0);
  }
}
