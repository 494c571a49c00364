import type { Logger } from 'pino';
import { createHttpProcessor } from './http-processor';
import type { PaymentsPort } from './payments';
import { ProcessorSimulatorProcess } from './processor-process';

/**
 * Which processor `npm run central -- serve` talks to:
 * - HOMELINE_PROCESSOR_URL with HOMELINE_PROCESSOR_SECRET_KEY and
 *   HOMELINE_PROCESSOR_WEBHOOK_SECRET: that processor (keys from the environment, never flags);
 * - none, in development: the processor simulator, started as a child process with fresh keys;
 * - none, with NODE_ENV=production: no card payments (card routes answer processor_unavailable).
 */
export interface ConfiguredPayments {
  payments: PaymentsPort | null;
  /** After listening: tells the simulator where to send webhooks (a real processor is set up in its dashboard). */
  connect(serviceUrl: string): Promise<void>;
  stop(): Promise<void>;
  describe: string;
}

export class ProcessorConfigError extends Error {
  override readonly name = 'ProcessorConfigError';
}

export async function paymentsFromEnv(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<ConfiguredPayments> {
  const url = env.HOMELINE_PROCESSOR_URL;
  if (url) {
    const secretKey = env.HOMELINE_PROCESSOR_SECRET_KEY;
    const webhookSecret = env.HOMELINE_PROCESSOR_WEBHOOK_SECRET;
    if (!secretKey || !webhookSecret) {
      throw new ProcessorConfigError(
        'HOMELINE_PROCESSOR_URL needs HOMELINE_PROCESSOR_SECRET_KEY and HOMELINE_PROCESSOR_WEBHOOK_SECRET',
      );
    }
    return {
      payments: createHttpProcessor({ baseUrl: url, secretKey, webhookSecret }),
      connect: async () => undefined,
      stop: async () => undefined,
      describe: `card processor at ${new URL(url).origin}`,
    };
  }
  if (env.NODE_ENV === 'production') {
    logger.warn('no card processor configured (HOMELINE_PROCESSOR_URL): card payments are off');
    return {
      payments: null,
      connect: async () => undefined,
      stop: async () => undefined,
      describe: 'no card processor',
    };
  }
  const simulator = await ProcessorSimulatorProcess.start();
  return {
    payments: createHttpProcessor({
      baseUrl: simulator.url,
      secretKey: simulator.keys.secretKey,
      webhookSecret: simulator.keys.webhookSecret,
    }),
    connect: (serviceUrl) => simulator.registerWebhook(`${serviceUrl}/v1/processor/webhooks`),
    stop: () => simulator.stop(),
    describe: `processor simulator on ${simulator.url} (development)`,
  };
}
