/**
 * `npm run demo` (USAGE below). Everything on 127.0.0.1 in one process: the central service on an SQLite file (seeded with
 * the sample facility and demo residents), a kiosk backend enrolled against it with a fresh
 * enrollment code and syncing every few seconds, in-process hardware simulators (card reader,
 * receipt printer, bill acceptor, badge scanner), and the browser harness serving the built
 * renderer (built first when missing). With the Electron binary
 * installed and the shell built, the shell starts on the same data folder instead.
 * Prints the URL, the demo logins and the curl lines that send a customer's mail through staff
 * review onto the kiosk (`--send-sample` does that itself). Ctrl-C stops everything.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { z } from 'zod';
import { checkedOptions, runProgram } from '../cli/main';
import { createDeviceService } from '../electron/backend/devices';
import { harnessKeySource, openStore } from '../electron/backend/store';
import { createBackendSync, enrollWithCode, isEnrolled } from '../electron/backend/sync';
import { startHarness, type Harness } from '../electron/harness';
import { harnessKeyFile } from '../electron/harness/server';
import { BILL_ACCEPTOR_PROTOCOLS, createSimulatedKiosk } from '../hardware/simulators/kiosk';
import { startPanel } from '../hardware/simulators/panel';
import { createCentralServer } from '../sync/server/app';
import { createHttpProcessor } from '../sync/server/money/http-processor';
import { ProcessorSimulatorProcess } from '../sync/server/money/processor-process';
import { createEnrollCode } from '../sync/server/enrollment';
import { createMailWorker, smtpTransport } from '../sync/server/mail-worker';
import {
  DEMO_PIN,
  DEMO_STAFF_LOGINS,
  DEMO_STAFF_PASSWORD,
  seedDemoStaff,
  seedSample,
  type DemoStaffLogin,
} from '../sync/server/seed';
import { totpFor } from '../sync/server/staff-identity';
import { openSqliteStorage } from '../sync/server/storage/sqlite';
import { LocalSmtpServer } from '../sync/server/testing/smtp';
import { bundleShell, electronBinary } from './dist';

const APP_VERSION = '0.1.0';
const USAGE = `npm run demo -- [options]

Everything on 127.0.0.1: the central service (seeded with a sample facility, residents and
one staff account per role), the card processor simulator, a local SMTP server, a kiosk
enrolled against the service with simulated devices and a control panel, and the app (in
Electron where it is installed, else in the browser). Prints every URL and login.

options:
  --port N          the kiosk page (default 5174)
  --central-port N  the central service (default 8787)
  --data DIR        everything it stores (default .data/demo)
  --fresh           start over: remove DIR first
  --send-sample     send a customer's mail through staff review onto the kiosk
  --no-build        do not build the renderer when it is missing
  --bill-acceptor P the simulated bill acceptor: id003 (default) or cctalk
  --help            this text`;
const ArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(5174),
  'central-port': z.coerce.number().int().min(0).max(65_535).default(8787),
  data: z.string().min(1).default('.data/demo'),
  fresh: z.boolean().default(false),
  'send-sample': z.boolean().default(false),
  'no-build': z.boolean().default(false),
  'bill-acceptor': z.enum(BILL_ACCEPTOR_PROTOCOLS).default('id003'),
});
type Args = z.infer<typeof ArgsSchema>;

function readArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'central-port': { type: 'string' },
      data: { type: 'string' },
      fresh: { type: 'boolean' },
      'send-sample': { type: 'boolean' },
      'no-build': { type: 'boolean' },
      'bill-acceptor': { type: 'string' },
    },
    strict: true,
  });
  return checkedOptions(ArgsSchema, values);
}

/** Builds the renderer when it is missing; the demo still runs (API only) if it cannot. */
function ensureRenderer(skip: boolean): void {
  if (existsSync('dist/renderer/index.html') || skip) return;
  if (!existsSync('renderer/vite.config.ts')) {
    console.log(
      'demo: the renderer is not written yet (renderer/vite.config.ts); serving the API only',
    );
    return;
  }
  console.log('demo: building the renderer (npm run build:renderer) ...');
  const built = spawnSync('npm', ['run', 'build:renderer'], { stdio: 'inherit' });
  if (built.status !== 0) console.log('demo: the renderer build failed; serving the API only');
}

async function main(argv: string[]): Promise<void> {
  const args = readArgs(argv);
  const dataDir = resolve(args.data);
  if (args.fresh) rmSync(dataDir, { recursive: true, force: true });
  const deviceDir = join(dataDir, 'kiosk');
  mkdirSync(deviceDir, { recursive: true });
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const clock = () => new Date();

  // 1. The central service, seeded (idempotent) with the sample facility and demo residents.
  const storage = await openSqliteStorage(join(dataDir, 'central.db'));
  const { facilityId, housingUnitId } = await seedSample(storage, clock);
  const staffLogins = await seedDemoStaff(storage, clock);
  // Cards go to the processor simulator, its own process, over HTTP like a real processor.
  const processor = await ProcessorSimulatorProcess.start();
  const payments = createHttpProcessor({
    baseUrl: processor.url,
    secretKey: processor.keys.secretKey,
    webhookSecret: processor.keys.webhookSecret,
  });
  const central = await createCentralServer({ storage, logger, payments });
  const centralUrl = await central.listen({ host: '127.0.0.1', port: args['central-port'] });
  await processor.registerWebhook(`${centralUrl}/v1/processor/webhooks`);
  // Outgoing mail: a local SMTP server keeps every mail the service sends as an .eml file.
  const mailDir = join(dataDir, 'mail');
  mkdirSync(mailDir, { recursive: true });
  const smtp = await LocalSmtpServer.start();
  smtp.onMail((mail) => {
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`;
    writeFileSync(join(mailDir, name), mail.raw);
    console.log(
      `demo: mail to ${mail.to.join(', ')} ("${mail.subject}") in ${join(mailDir, name)}`,
    );
  });
  const mailer = createMailWorker({
    storage,
    clock,
    logger,
    transport: smtpTransport(smtp.url),
    from: 'Homeline demo <no-reply@homeline.invalid>',
    intervalMs: 2_000,
  });

  // 2. The kiosk's identity: a fresh enrollment code, traded once for keys kept in its store.
  const deviceStore = openStore(
    join(deviceDir, 'homeline.db'),
    harnessKeySource(process.env, harnessKeyFile({ dataDir: deviceDir })),
  );
  try {
    if (!isEnrolled(deviceStore)) {
      const { code } = await createEnrollCode(storage, clock, {
        facilityId,
        profile: 'kiosk',
        housingUnitId,
        validHours: 1,
      });
      await enrollWithCode(deviceStore, {
        serverUrl: centralUrl,
        code,
        appVersion: APP_VERSION,
        label: 'demo kiosk',
        now: () => clock().toISOString(),
      });
      console.log(`demo: kiosk enrolled with code ${code}`);
    }
  } finally {
    deviceStore.close();
  }

  ensureRenderer(args['no-build']);
  const electron = electronBinary();
  // Where Electron is installed the demo runs the real shell, bundled fresh from the sources.
  const shellMain = resolve(electron ? (await bundleShell()).main : 'dist/shell/main.cjs');
  let harness: Harness | undefined;
  /** The tester panel of the in-process simulators (swipe a card, insert a bill, faults). */
  let panel: Awaited<ReturnType<typeof startPanel>> | undefined;
  let shell: ChildProcess | undefined;
  const sync = createBackendSync({
    appVersion: APP_VERSION,
    serverUrl: centralUrl,
    intervalMs: 5_000,
    logger,
  });

  if (electron && existsSync(shellMain)) {
    shell = spawn(electron, [shellMain], {
      stdio: 'inherit',
      env: {
        ...process.env,
        HOMELINE_DATA_DIR: deviceDir,
        HOMELINE_PROFILE: 'kiosk',
        HOMELINE_FACILITY_ID: facilityId,
        HOMELINE_CENTRAL_URL: centralUrl,
      },
    });
    console.log('demo: started the Electron shell');
  } else {
    if (electron)
      console.log('demo: Electron is installed but the shell is not built (npm run dist)');
    // 3. The backend with simulated hardware behind the browser harness.
    // The simulated reader tokenizes at the processor, as a kiosk's reader does.
    const kiosk = createSimulatedKiosk({
      billAcceptor: args['bill-acceptor'],
      processor: { url: processor.url, publishableKey: processor.keys.publishableKey },
    });
    harness = await startHarness({
      port: args.port,
      dataDir: deviceDir,
      profile: 'kiosk',
      facilityId,
      appVersion: APP_VERSION,
      seed: 'none',
      logger,
      syncClient: sync,
      devices: (onEvent) =>
        createDeviceService({
          config: kiosk.config,
          logger,
          onEvent,
          creditJournalPath: join(deviceDir, 'credits.db'),
          simulatedBinding: kiosk.binding,
        }),
    });
    panel = await startPanel(kiosk.controls, () => ({ inProcess: true }));
  }

  const residents = await storage.all<{
    id: string;
    doc_number: string;
    first_name: string;
    last_name: string;
  }>(
    'SELECT id, doc_number, first_name, last_name FROM residents WHERE facility_id = ? ORDER BY doc_number',
    [facilityId],
  );
  printGuide({
    harnessUrl: harness?.url,
    panelUrl: panel?.url,
    centralUrl,
    staffLogins,
    residents,
    processor,
    mail: { dir: mailDir, smtpUrl: smtp.url },
  });
  if (args['send-sample']) {
    await sendSample(centralUrl, residents[0]!.id, processor);
    console.log(
      'demo: stamps bought by card through the processor simulator; sample mail sent and ' +
        'approved; the kiosk shows it after its next sync (≤ 5 s)',
    );
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    shell?.kill('SIGTERM');
    await panel?.server.close();
    await harness?.close();
    await mailer.stop();
    await smtp.close();
    await central.close();
    await processor.stop();
    await storage.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  shell?.once('exit', () => void stop());
}

function printGuide(info: {
  harnessUrl: string | undefined;
  panelUrl: string | undefined;
  centralUrl: string;
  staffLogins: DemoStaffLogin[];
  residents: { id: string; doc_number: string; first_name: string; last_name: string }[];
  processor: ProcessorSimulatorProcess;
  mail: { dir: string; smtpUrl: string };
}): void {
  const { centralUrl, processor } = info;
  const json = (value: unknown) => `'${JSON.stringify(value)}'`;
  const first = info.residents[0];
  const reviewer = info.staffLogins.find((login) => login.role === 'reviewer');
  console.log(`
Homeline demo
  kiosk (browser): ${info.harnessUrl ?? '(in the Electron window)'}
  simulated devices (swipe a card, insert a bill, faults): ${info.panelUrl ?? '(none)'}
    or: npm run sim -- ctl swipe visa --panel ${info.panelUrl ?? '<panel>'}
  central service: ${centralUrl}
  card processor simulator: ${processor.url}   (test cards: ${processor.url}/v1/test/cards)
  mail it sends:   ${info.mail.dir}   (one .eml file per mail, from a local SMTP server at ${info.mail.smtpUrl})

Resident logins (state FL, PIN ${DEMO_PIN}):
${info.residents.map((r) => `  ${r.doc_number}  ${r.first_name} ${r.last_name}`).join('\n')}

Staff logins (demo only; password "${DEMO_STAFF_PASSWORD}" plus a TOTP code: add the secret to an
authenticator app, or run \`oathtool --totp -b SECRET\`; the code shown was current at start):
${info.staffLogins.map((l) => `  ${l.role.padEnd(10)} ${l.email.padEnd(26)} secret ${l.totpSecret}  code ${l.currentCode}`).join('\n')}

A customer writes to ${first?.first_name ?? 'a resident'}; a reviewer approves; the kiosk shows it after its next sync:
  curl -s -X POST ${centralUrl}/v1/customers/register -H 'content-type: application/json' \\
    -d ${json({ email: 'maria@example.com', password: 'correct horse battery', displayName: 'Maria Lopez', residentId: first?.id, acceptedTermsVersion: '2026-01' })}
  TOKEN=$(curl -s -X POST ${centralUrl}/v1/customers/login -H 'content-type: application/json' \\
    -d ${json({ email: 'maria@example.com', password: 'correct horse battery' })} | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  CARD=$(curl -s -X POST ${processor.url}/v1/tokens -H "authorization: Bearer ${processor.keys.publishableKey}" -H 'content-type: application/json' \\
    -d ${json({ number: processor.testCards.visaApproved, expMonth: 12, expYear: 2031, cvc: '123' })} | sed 's/.*"id":"\\([^"]*\\)".*/\\1/')
  curl -s -X POST ${centralUrl}/v1/customer/stamps -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"purchaseId":"11111111-1111-4111-8111-111111111111","residentId":"${first?.id}","bundleId":"bundle-5","card":{"token":"'$CARD'"}}'
  curl -s -X POST ${centralUrl}/v1/customer/mail -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d ${json({ messageId: '22222222-2222-4222-8222-222222222222', residentId: first?.id, subject: 'Hola', body: 'We miss you. Te queremos.' })}
  CSRF=$(curl -s -c staff.cookies -X POST ${centralUrl}/v1/staff/login -H 'content-type: application/json' \\
    -d "{\\"email\\":\\"${reviewer?.email}\\",\\"password\\":\\"${DEMO_STAFF_PASSWORD}\\",\\"code\\":\\"$(oathtool --totp -b ${reviewer?.totpSecret})\\"}" \\
    | sed 's/.*"csrfToken":"\\([^"]*\\)".*/\\1/')
  curl -s -b staff.cookies -X POST ${centralUrl}/v1/staff/review/22222222-2222-4222-8222-222222222222 \\
    -H "x-homeline-csrf: $CSRF" -H 'content-type: application/json' -d '{"decision":"approve","note":""}'
(the session cookie is Secure: curl sends it back to http://127.0.0.1, browsers only over HTTPS.)
(or restart with --send-sample). Ctrl-C stops everything.
`);
}

/** The curl lines above, done with fetch: register, buy stamps by card (the simulator), write, a reviewer approves. */
async function sendSample(
  centralUrl: string,
  residentId: string,
  processor: ProcessorSimulatorProcess,
) {
  const call = async <T>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ body: T; response: Response }> => {
    const response = await fetch(`${centralUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`demo: ${path} answered ${response.status}: ${text}`);
    return { body: (text ? JSON.parse(text) : {}) as T, response };
  };
  const email = `sample-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'correct horse battery';
  await call('/v1/customers/register', {
    email,
    password,
    displayName: 'Maria Lopez',
    residentId,
    acceptedTermsVersion: '2026-01',
  });
  const { token } = (await call<{ token: string }>('/v1/customers/login', { email, password }))
    .body;
  const bearer = { authorization: `Bearer ${token}` };
  await call(
    '/v1/customer/stamps',
    {
      purchaseId: randomUUID(),
      residentId,
      bundleId: 'bundle-5',
      card: { token: await processor.tokenize() },
    },
    bearer,
  );
  const messageId = randomUUID();
  await call(
    '/v1/customer/mail',
    { messageId, residentId, subject: 'Hola', body: 'We miss you. Te queremos.' },
    bearer,
  );
  const reviewer = DEMO_STAFF_LOGINS.find((login) => login.role === 'reviewer')!;
  const login = await call<{ csrfToken: string }>('/v1/staff/login', {
    email: reviewer.email,
    password: DEMO_STAFF_PASSWORD,
    code: totpFor(reviewer.totpSecret, reviewer.email).generate(),
  });
  const cookie = login.response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  await call(
    `/v1/staff/review/${messageId}`,
    { decision: 'approve', note: '' },
    { cookie, 'x-homeline-csrf': login.body.csrfToken },
  );
}

runProgram({ name: 'demo', usage: USAGE }, main);
