import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessorSimulator } from '../../sync/processor/simulator';
import {
  tokenRequestBody,
  tokenizeAtProcessor,
} from '../../hardware/drivers/card/processor-tokens';
import { parseSwipe } from '../../hardware/drivers/card/tracks';

/**
 * The magstripe driver's tokenization at the processor, against the processor simulator's HTTP API:
 * the card number goes there as bytes that are overwritten once sent, whatever the answer.
 */
const SWIPE = Buffer.from(
  '%B4111111111111111^SMITH/ JOHN ^2412101976110000868000000?;4111111111111111=24121019761186800000?',
  'latin1',
);
const keys = {
  secretKey: 'sk_test_reader',
  publishableKey: 'pk_test_reader',
  webhookSecret: 'whsec_x',
};
const processor = createProcessorSimulator(keys);
let url: string;

beforeAll(async () => {
  url = await processor.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => processor.close());

/** A port on this machine that nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('tokenizing a swipe at the processor', () => {
  it('trades the number for the processor token and overwrites the request body', async () => {
    const body = tokenRequestBody(parseSwipe(Buffer.from(SWIPE), false));
    expect(JSON.parse(Buffer.from(body).toString('latin1'))).toEqual({
      number: '4111111111111111',
      expMonth: 12,
      expYear: 2024,
    });
    const token = await tokenizeAtProcessor(
      { url, publishableKey: keys.publishableKey, timeoutMs: 5_000 },
      body,
    );
    expect(token).toMatch(/^tok_/);
    expect(body.every((byte) => byte === 0)).toBe(true);
    const known = await fetch(new URL(`/v1/tokens/${token}`, url), {
      headers: { authorization: `Bearer ${keys.secretKey}` },
    });
    expect(await known.json()).toMatchObject({ card: { brand: 'visa', last4: '1111' } });
  });

  it('gives no token for a wrong key or an unreachable processor, and still overwrites', async () => {
    for (const tokenizer of [
      { url, publishableKey: 'pk_test_someone_else', timeoutMs: 5_000 },
      { url: await closedPort(), publishableKey: keys.publishableKey, timeoutMs: 5_000 },
    ]) {
      const body = tokenRequestBody(parseSwipe(Buffer.from(SWIPE), false));
      expect(await tokenizeAtProcessor(tokenizer, body)).toBeUndefined();
      expect(body.every((byte) => byte === 0)).toBe(true);
    }
  });
});
