import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { z } from 'zod';
import { runProgram, type Program } from '../../cli/main';
import { DEVICE_PROFILES } from '../../domain';
import { createCentralServer } from './app';
import { createEnrollCode, revokeDevice } from './enrollment';
import { CENTRAL_LOG_FILE, CENTRAL_LOG_RETENTION, openCentralLog } from './log-file';
import { newEpoch } from './epoch';
import { HttpError } from './http/errors';
import { paymentsFromEnv, ProcessorConfigError } from './money/processor-config';
import { createRefundSweep, REFUND_SWEEP_INTERVAL_MS } from './money/refund-sweep';
import { createMailWorker, smtpTransport } from './mail-worker';
import { bootstrapItAdmin } from './staff-identity';
import { inWork } from './work';
import { DEMO_PIN, DEMO_STAFF_PASSWORD, seedDemoStaff, seedSample } from './seed';
import { openPostgresStorage } from './storage/postgres';
import { openSqliteStorage } from './storage/sqlite';
import type { Storage } from './storage/types';

export const USAGE = `npm run central -- [command] [options]
  (built for production: node dist/central/central.js [command] [options])

commands:
  serve (default)   the central service: --port 8787 --host 127.0.0.1
                    [--releases DIR --update-public-key FILE] also serves the update feed
  bootstrap-admin   --email E --name N: the deployment's first IT admin (every facility);
                    prints the initial password and TOTP secret once; refused once an IT
                    admin exists (IT then creates facilities, residents, staff and
                    enrollment codes through the staff API, docs/install.md)
  enroll-code       --facility F --profile kiosk|lobby|tablet [--unit U (kiosks: required)]
                    [--valid-hours 72]: a one-time code a device enrolls with
  revoke-device     --device ID
  new-epoch         after restoring the database from a backup, before serve: devices
                    reset their cursors and push again what the backup lacks
  seed --sample     sample facility, demo residents and demo staff (public credentials:
                    never on a real deployment)

options:
  --data-dir DIR    where the SQLite database and the logs live (default .data/central,
                    or the folder of --db; made when missing)
  --db FILE         the SQLite database (default DIR/central.db)
  --postgres URL    PostgreSQL instead of SQLite (or HOMELINE_DATABASE_URL)
  --help            this text

environment:
  LOG_LEVEL         fatal, error, warn, info (default), debug, trace, silent; serve logs
                    to DIR/logs/${CENTRAL_LOG_FILE}, rotated past ${CENTRAL_LOG_RETENTION.size}, ${CENTRAL_LOG_RETENTION.files} old files kept
  HOMELINE_PROCESSOR_URL and its keys: the card processor (without it, in development,
                    the processor simulator is started beside the service)
  HOMELINE_SMTP_URL, HOMELINE_MAIL_FROM: outgoing mail (credentials in the URL, so not a
                    flag); without it mail waits in the outbox

There is no shared admin token: the HTTP API takes only per-person staff sessions.`;

export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Inside the repository's `.data/` (ignored by git) when run from a checkout. */
export const DEFAULT_DATA_DIR = join('.data', 'central');

const OptionsSchema = z.object({
  command: z.enum([
    'serve',
    'enroll-code',
    'seed',
    'revoke-device',
    'new-epoch',
    'bootstrap-admin',
  ]),
  email: z.email().optional(),
  name: z.string().trim().min(1).max(100).optional(),
  'data-dir': z.string().min(1),
  db: z.string().min(1),
  postgres: z.string().startsWith('postgres').optional(),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  facility: z.string().min(1).optional(),
  profile: z.enum(DEVICE_PROFILES).optional(),
  unit: z.string().min(1).optional(),
  'valid-hours': z.coerce.number().int().min(1).max(720),
  device: z.string().min(1).optional(),
  sample: z.boolean(),
  releases: z.string().min(1).optional(),
  'update-public-key': z.string().min(1).optional(),
});
type Options = z.infer<typeof OptionsSchema>;

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        db: { type: 'string' },
        postgres: { type: 'string' },
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        facility: { type: 'string' },
        profile: { type: 'string' },
        unit: { type: 'string' },
        'valid-hours': { type: 'string', default: '72' },
        device: { type: 'string' },
        sample: { type: 'boolean', default: false },
        releases: { type: 'string' },
        'update-public-key': { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
      },
    });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (parsed.positionals.length > 1)
    throw new CliError(`one command at a time, got ${parsed.positionals.join(' ')}`);
  const result = OptionsSchema.safeParse({
    ...parsed.values,
    command: parsed.positionals[0] ?? 'serve',
    // The logs go beside an explicit database unless a data folder is named.
    'data-dir':
      parsed.values['data-dir'] ??
      (parsed.values.db === undefined ? DEFAULT_DATA_DIR : dirname(parsed.values.db)),
    db: parsed.values.db ?? join(parsed.values['data-dir'] ?? DEFAULT_DATA_DIR, 'central.db'),
    postgres: parsed.values.postgres ?? env.HOMELINE_DATABASE_URL,
  });
  if (!result.success) {
    throw new CliError(
      result.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`).join('; '),
    );
  }
  const options = result.data;
  if (options.command === 'enroll-code' && (!options.facility || !options.profile)) {
    throw new CliError('enroll-code needs --facility and --profile (kiosk, lobby or tablet)');
  }
  if (
    options.command === 'enroll-code' &&
    (options.profile === 'kiosk') !== (options.unit !== undefined)
  ) {
    throw new CliError(
      'a kiosk code needs --unit (its housing unit); lobby and tablet codes take none',
    );
  }
  if (options.command === 'revoke-device' && !options.device)
    throw new CliError('revoke-device needs --device');
  if (options.command === 'seed' && !options.sample) throw new CliError('seed needs --sample');
  if (options.command === 'bootstrap-admin' && (!options.email || !options.name))
    throw new CliError('bootstrap-admin needs --email and --name');
  if ((options.releases === undefined) !== (options['update-public-key'] === undefined)) {
    throw new CliError('the update feed needs both --releases and --update-public-key');
  }
  return options;
}

function openStorage(options: Options): Promise<Storage> {
  if (options.postgres) return openPostgresStorage(options.postgres);
  mkdirSync(dirname(options.db), { recursive: true, mode: 0o700 });
  return openSqliteStorage(options.db);
}

/** Runs one command; `serve` resolves once listening and returns a stop function. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = console.log,
): Promise<() => Promise<void>> {
  const options = parseCli(argv, env);
  const storage = await openStorage(options);
  const clock = () => new Date();
  if (options.command !== 'serve') {
    try {
      if (options.command === 'enroll-code') {
        const code = await createEnrollCode(storage, clock, {
          facilityId: options.facility!,
          profile: options.profile!,
          housingUnitId: options.unit,
          validHours: options['valid-hours'],
        });
        const unit = code.housingUnitId === null ? '' : `, unit ${code.housingUnitId}`;
        print(
          `${code.code}  (${code.profile} at ${code.facilityId}${unit}, valid until ${code.expiresAt})`,
        );
      } else if (options.command === 'seed') {
        const seeded = await seedSample(storage, clock);
        print(
          `seeded ${seeded.facilityId}: residents ${seeded.residentIds.join(', ')} (demo PIN ${DEMO_PIN})`,
        );
        for (const login of await seedDemoStaff(storage, clock))
          print(
            `  demo ${login.role}: ${login.email} / ${DEMO_STAFF_PASSWORD} / TOTP secret ${login.totpSecret}`,
          );
      } else if (options.command === 'bootstrap-admin') {
        const created = await inWork(storage, clock, (work) =>
          bootstrapItAdmin(work, { email: options.email!, name: options.name! }),
        ).catch((error: unknown) => {
          throw error instanceof HttpError ? new CliError(error.message) : error;
        });
        print(`IT admin ${options.email} (${created.staffId}), every facility`);
        print(`  initial password: ${created.initialPassword}`);
        print(`  TOTP secret:      ${created.totpSecret}`);
        print(`  authenticator:    ${created.otpauthUri}`);
      } else if (options.command === 'new-epoch') {
        print(`new epoch ${await newEpoch(storage)}: devices will reset their cursors`);
      } else if (!(await revokeDevice(storage, clock, options.device!))) {
        throw new CliError(`no active device ${options.device}`);
      } else {
        print(`revoked ${options.device}`);
      }
    } finally {
      await storage.close();
    }
    return async () => undefined;
  }
  const logFile = openCentralLog(join(options['data-dir'], 'logs'));
  const logger = pino({ level: env.LOG_LEVEL ?? 'info' }, logFile);
  const updates =
    options.releases && options['update-public-key']
      ? {
          releasesDir: options.releases,
          publicKey: readFileSync(options['update-public-key'], 'utf8'),
        }
      : undefined;
  if (env.HOMELINE_ADMIN_TOKEN)
    print(
      'HOMELINE_ADMIN_TOKEN is ignored: sign in as staff (bootstrap-admin makes the first IT admin)',
    );
  const processor = await paymentsFromEnv(env, logger).catch(async (error: unknown) => {
    await storage.close();
    logFile.end();
    throw error instanceof ProcessorConfigError ? new CliError(error.message) : error;
  });
  const app = await createCentralServer({
    storage,
    logger,
    updates,
    payments: processor.payments,
  });
  const address = await app.listen({ host: options.host, port: options.port });
  await processor.connect(address);
  print(`logs: ${join(options['data-dir'], 'logs', CENTRAL_LOG_FILE)}`);
  print(`central service on ${address} (${storage.dialect}); ${processor.describe}`);
  const mailer = env.HOMELINE_SMTP_URL
    ? createMailWorker({
        storage,
        clock,
        logger,
        transport: smtpTransport(env.HOMELINE_SMTP_URL),
        from: env.HOMELINE_MAIL_FROM ?? 'Homeline <no-reply@homeline.invalid>',
        intervalMs: 5_000,
      })
    : undefined;
  if (!mailer) logger.warn('no HOMELINE_SMTP_URL: outgoing mail stays queued in mail_outbox');
  // Card charges captured whose booking never came are refunded after the grace period.
  const sweep = processor.payments
    ? createRefundSweep({
        storage,
        clock,
        logger,
        payments: processor.payments,
        intervalMs: REFUND_SWEEP_INTERVAL_MS,
      })
    : undefined;
  return async () => {
    await sweep?.stop();
    await mailer?.stop();
    await app.close();
    await processor.stop();
    await storage.close();
    logFile.end();
    await once(logFile, 'finish');
  };
}

const program: Program = {
  name: 'central',
  usage: USAGE,
  isUsageError: (error) => error instanceof CliError,
};

const isMain =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  runProgram(program, async (argv) => {
    const stop = await runCli(argv);
    const shutdown = () => void stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
