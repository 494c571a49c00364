import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runProgram, UsageError } from '../../cli/main';
import { createProcessorSimulator } from './simulator';

const USAGE = `npm run processor -- [--port 8790] [--host 127.0.0.1] [--with-parent]

The card processor simulator as its own process (tokens, charges, refunds, test cards, signed
dispute webhooks). Prints "processor simulator on <url>" once listening.

environment (keys never come from flags: flags show in ps), 16+ characters each:
  HOMELINE_PROCESSOR_SECRET_KEY, HOMELINE_PROCESSOR_PUBLISHABLE_KEY,
  HOMELINE_PROCESSOR_WEBHOOK_SECRET

options:
  --port N          default 8790 (0: any free port)
  --host H          default 127.0.0.1
  --with-parent     exit when standard input closes (the process that started it is gone)
  --help            this text`;
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

async function main(argv: string[]): Promise<void> {
  const env = Env.safeParse(process.env);
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8790' },
      host: { type: 'string', default: '127.0.0.1' },
      'with-parent': { type: 'boolean', default: false },
    },
  });
  const flags = Flags.safeParse(values);
  if (!env.success) {
    const missing = env.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new UsageError(`set ${missing} in the environment (16+ characters each)`);
  }
  if (!flags.success) throw new UsageError(z.prettifyError(flags.error).replace(/\n/g, ' '));
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

runProgram({ name: 'processor', usage: USAGE }, main);
