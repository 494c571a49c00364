import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createProcessorSimulator } from './simulator';

/**
 * `npm run processor -- [--port 8790] [--host 127.0.0.1]`: the card processor sandbox as its own
 * process. Keys come from the environment (HOMELINE_PROCESSOR_SECRET_KEY,
 * HOMELINE_PROCESSOR_PUBLISHABLE_KEY, HOMELINE_PROCESSOR_WEBHOOK_SECRET), never from flags
 * (flags show in `ps`). Prints `processor simulator on <url>` once listening. With
 * `--with-parent` it exits when its stdin closes (the process that started it is gone).
 */
const Env = z.object({
  HOMELINE_PROCESSOR_SECRET_KEY: z.string().min(16),
  HOMELINE_PROCESSOR_PUBLISHABLE_KEY: z.string().min(16),
  HOMELINE_PROCESSOR_WEBHOOK_SECRET: z.string().min(16),
});
const Flags = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  host: z.string().min(1),
  'with-parent': z.boolean(),
});

async function main(): Promise<void> {
  const env = Env.safeParse(process.env);
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8790' },
      host: { type: 'string', default: '127.0.0.1' },
      'with-parent': { type: 'boolean', default: false },
    },
  });
  const flags = Flags.safeParse(values);
  if (!env.success || !flags.success) {
    console.error(
      `processor: ${z.prettifyError((env.error ?? flags.error)!)}\n` +
        'set the three HOMELINE_PROCESSOR_* keys (16+ characters each)',
    );
    process.exit(2);
  }
  const app = createProcessorSimulator({
    secretKey: env.data.HOMELINE_PROCESSOR_SECRET_KEY,
    publishableKey: env.data.HOMELINE_PROCESSOR_PUBLISHABLE_KEY,
    webhookSecret: env.data.HOMELINE_PROCESSOR_WEBHOOK_SECRET,
  });
  const url = await app.listen({ host: flags.data.host, port: flags.data.port });
  console.log(`processor simulator on ${url}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Started by another process (tests, demo, `npm run central`): stdin closes when it dies.
  if (values['with-parent']) {
    process.stdin.on('end', stop).on('close', stop).resume();
  }
}

void main();
