import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/**
 * Starts the processor simulator (sync/processor/cli.ts) as its own process on a free port, for
 * development (`npm run central`), the demo and the tests. The service only ever talks HTTP to
 * it; this starts a program by its path and imports nothing of it. Keys are fresh per start.
 */

const SIMULATOR = fileURLToPath(new URL('../../processor/cli.ts', import.meta.url));

export interface ProcessorKeys {
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
}

/** The sandbox's test card numbers by name (GET /v1/test/cards): visaApproved, declined ... */
export type TestCards = Record<string, string>;

export class ProcessorSimulatorProcess {
  testCards: TestCards = {};

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly keys: ProcessorKeys,
  ) {}

  static start(): Promise<ProcessorSimulatorProcess> {
    const keys: ProcessorKeys = {
      secretKey: `sk_test_${randomBytes(18).toString('hex')}`,
      publishableKey: `pk_test_${randomBytes(18).toString('hex')}`,
      webhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SIMULATOR, '--port', '0', '--with-parent'],
      {
        env: {
          ...process.env,
          HOMELINE_PROCESSOR_SECRET_KEY: keys.secretKey,
          HOMELINE_PROCESSOR_PUBLISHABLE_KEY: keys.publishableKey,
          HOMELINE_PROCESSOR_WEBHOOK_SECRET: keys.webhookSecret,
        },
        // Its stdin is our pipe: when this process dies, even killed, the simulator exits too.
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /processor simulator on (http:\/\/\S+)/.exec(output);
        if (!match) return;
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.removeListener('exit', onExit);
        // group 1 is not optional: a match always holds it
        const started = new ProcessorSimulatorProcess(child, match[1]!, keys);
        started
          .call<TestCards>('GET', '/v1/test/cards')
          .then((cards) => {
            started.testCards = cards.body;
            resolve(started);
          })
          .catch(reject);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`processor simulator exited (${code}) before listening: ${output}`));
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', onExit);
    });
  }

  /** A call to the simulator's API with the secret key (sandbox controls in tests and the demo). */
  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    key: string = this.keys.secretKey,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(new URL(path, this.url), {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /**
   * What a web page or card reader does with the publishable key: card details in, token out.
   * `card` is a test card's name (GET /v1/test/cards) or a number.
   */
  async tokenize(card = 'visaApproved', expYear = 2031): Promise<string> {
    const number = this.testCards[card] ?? card;
    const answer = await this.call<{ id: string }>(
      'POST',
      '/v1/tokens',
      { number, expMonth: 12, expYear, cvc: '123' },
      this.keys.publishableKey,
    );
    if (answer.status !== 201) throw new Error(`tokenize failed: ${JSON.stringify(answer.body)}`);
    return answer.body.id;
  }

  /** The cardholder disputes a captured charge: the simulator sends the signed webhook. */
  dispute(paymentId: string, amountCents?: number) {
    return this.call<{ dispute: { id: string }; deliveries: { status: number }[] }>(
      'POST',
      '/v1/test/disputes',
      { paymentId, amountCents, reason: 'fraudulent' },
    );
  }

  /** While down, the processor answers 503 to everything (an outage). */
  async outage(down: boolean): Promise<void> {
    await this.call('POST', '/v1/test/outage', { down });
  }

  /** Where signed webhooks go (the central service's webhook route). */
  async registerWebhook(url: string): Promise<void> {
    const answer = await this.call('POST', '/v1/webhook_endpoints', { url });
    if (answer.status !== 201) throw new Error(`webhook endpoint: ${JSON.stringify(answer.body)}`);
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
