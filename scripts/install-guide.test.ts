import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../electron/backend';
import { keyFileSource } from '../electron/backend/store';
import { composeBackend } from '../electron/shell/backend';
import { ShellConfigSchema, type ShellConfig } from '../electron/shell/config/schema';
import { startTestPostgres, type TestPostgres } from '../sync/server/testing/postgres';
import { totpFor } from '../sync/server/staff-identity';
import { buildCentral } from './build-central';

/**
 * docs/install.md followed literally, once on SQLite and once on PostgreSQL: every `sh` command
 * of its step 3, in order, in the central service's release folder (built once by
 * `npm run build:central`, copied per engine with only the files the page says ship). The install
 * command cannot reach a registry here, so it is replayed exactly: the release folder's
 * node_modules gets the packages the lock file marks neither dev nor optional, and nothing else
 * (no tsx, no TypeScript: the service must run on plain Node). The service is started with the
 * page's command in its own process (127.0.0.1, a free port); the others are typed into one bash
 * session. The test plays the person: it reads what the commands print and sets the variables
 * the page tells them to set (on PostgreSQL, HOMELINE_DATABASE_URL to a database of a throwaway
 * cluster). Then the page's two JSON examples, with the printed codes and Service PIN line pasted
 * in, start a kiosk and a tablet backend in plain Node, as the shell composes them: both enroll,
 * sync, and open the Service screen with the PIN; the resident added on the page signs in on the
 * kiosk.
 */
const guide = readFileSync('docs/install.md', 'utf8');
const repo = resolve('.');
const scratch = mkdtempSync(join(tmpdir(), 'homeline-install-'));
const SERVICE_PIN = '482913';
/** What the release folder holds (docs/install.md, "For release engineers"). */
const RELEASE_FILES = ['package.json', 'package-lock.json', 'assets', join('dist', 'central')];
/** The environment of a central machine: none of the test runner's own variables. */
const machineEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST')),
);

/** The fenced blocks of one kind under the heading that starts with `section`. */
function blocks(kind: string, section: string): string[] {
  const start = guide.indexOf(`\n## ${section}`);
  const end = guide.indexOf('\n## ', start + 1);
  const text = guide.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(new RegExp('```' + kind + '\\n([\\s\\S]*?)```', 'g'))].map(
    (match) => match[1]!,
  );
}

/** One terminal: blocks are typed in order; variables set in one stay for the next. */
class Terminal {
  private output = '';
  private waiters: (() => void)[] = [];
  private readonly bash: ChildProcessWithoutNullStreams;
  private count = 0;

  constructor(cwd: string) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env: machineEnv });
    const take = (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const wake of this.waiters.splice(0)) wake();
    };
    this.bash.stdout.on('data', take);
    this.bash.stderr.on('data', take);
    this.bash.stdin.write('set -o pipefail\n');
  }

  private async until(pattern: RegExp, from: number): Promise<RegExpExecArray> {
    for (;;) {
      const match = pattern.exec(this.output.slice(from));
      if (match) return match;
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  /** Types the block (and `answer`, once its prompt's output `waitFor` appears); its output. */
  async type(block: string, input?: { waitFor: RegExp; answer: string }): Promise<string> {
    const from = this.output.length;
    const marker = `__block_${(this.count += 1)}_done__`;
    // As typed: each line once, no blank line a waiting program would read as its answer.
    this.bash.stdin.write(`${block.trimEnd()}\n`);
    if (input) {
      // Nothing else is typed until the program has read its line, as a person would wait.
      this.bash.stdin.write(`${input.answer}\n`);
      await this.until(input.waitFor, from);
    }
    this.bash.stdin.write(`echo "${marker} $?"\n`);
    const done = await this.until(new RegExp(`${marker} (\\d+)`), from);
    const text = this.output.slice(from, from + done.index);
    expect(done[1], `${block}\n${text}`).toBe('0');
    return text;
  }

  /** What the person sets by hand between blocks. */
  set(variables: Record<string, string>): Promise<string> {
    const assignments = Object.entries(variables).map(([name, value]) => `${name}='${value}'`);
    return this.type(`export ${assignments.join(' ')}`);
  }

  close(): void {
    this.bash.stdin.end();
  }
}

const backends: Backend[] = [];
let cluster: TestPostgres;

/** The packages `npm ci --omit=dev --omit=optional` installs: the lock's top-level runtime ones. */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !entry.dev)
    .filter(([, entry]) => !entry.optional && !entry.devOptional)
    .map(([path]) => path.slice('node_modules/'.length));
}

/** The release folder, once: what release engineers ship. */
const release = join(scratch, 'release');

beforeAll(async () => {
  for (const file of ['package.json', 'package-lock.json', 'assets'])
    cpSync(join(repo, file), join(release, file), { recursive: true });
  await buildCentral(join(release, 'dist', 'central'));
  cluster = await startTestPostgres();
}, 120_000);

afterAll(async () => {
  for (const backend of backends) await backend.close();
  await cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** A new central machine: the release folder copied, nothing installed yet. */
function centralMachine(engine: string): string {
  const home = join(scratch, engine);
  for (const file of RELEASE_FILES)
    cpSync(join(release, file), join(home, file), { recursive: true });
  return home;
}

/** The page's install command, replayed: the runtime packages, nothing else. */
function installRuntimePackages(home: string, command: string): void {
  expect(command.trim()).toBe('npm ci --omit=dev --omit=optional');
  for (const name of productionPackages()) {
    mkdirSync(dirname(join(home, 'node_modules', name)), { recursive: true });
    symlinkSync(join(repo, 'node_modules', name), join(home, 'node_modules', name), 'dir');
  }
  expect(existsSync(join(home, 'node_modules', 'tsx'))).toBe(false);
  expect(existsSync(join(home, 'node_modules', 'typescript'))).toBe(false);
}

/** The page's start command in its own process, on 127.0.0.1 and a free port. */
async function startService(
  home: string,
  command: string,
  env: Record<string, string>,
): Promise<{ url: string; line: string; process: ChildProcess }> {
  expect(command).toContain('--host 0.0.0.0 --port 8787');
  const local = command.replace('--host 0.0.0.0 --port 8787', '--host 127.0.0.1 --port 0');
  const child = spawn('bash', ['-c', `exec ${local.trim()}`], {
    cwd: home,
    env: { ...machineEnv, ...env },
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const line = await new Promise<string>((found, failed) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^central service on .*$/m.exec(output);
      if (match) found(match[0]);
    });
    child.once('exit', (code) => failed(new Error(`the service exited (${code}): ${output}`)));
  });
  return { url: /on (http:\/\/\S+)/.exec(line)![1]!, line, process: child };
}

async function stopService(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
}

function deviceLogger(lines: string[]) {
  return pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
}

interface DeviceSetup {
  home: string;
  centralUrl: string;
  paste: Record<string, string>;
}

async function startDevice(example: string, name: string, setup: DeviceSetup) {
  const { home, centralUrl, paste } = setup;
  let text = example;
  for (const [placeholder, value] of Object.entries(paste)) text = text.replace(placeholder, value);
  const fromPage = JSON.parse(text) as Record<string, unknown> & {
    devices?: Record<string, { port: { path?: string } }>;
  };
  // The kiosk's serial ports do not exist here: they stay offline, as an unplugged device does.
  for (const device of Object.values(fromPage.devices ?? {}))
    if (device.port.path) device.port.path = join(home, `absent-${name}${device.port.path}`);
  const config = ShellConfigSchema.parse({
    ...fromPage,
    centralUrl,
    dataDir: join(home, `${name}-data`),
  }) as ShellConfig;
  const lines: string[] = [];
  const logger = deviceLogger(lines);
  const backend = await composeBackend(
    config,
    logger,
    '1.0.0',
    keyFileSource(join(home, `${name}.store-key`)),
  );
  backends.push(backend);
  const connection = backend.connect(() => undefined);
  return { backend, connection, lines, config };
}

async function enrolled(lines: string[]): Promise<string> {
  for (;;) {
    const line = lines.find((l) => /device enrolled|enrollment failed/.test(l));
    if (line) return line;
    await new Promise((wake) => setImmediate(wake));
  }
}

describe.each(['sqlite', 'postgres'] as const)(
  'docs/install.md on %s, followed literally',
  (engine) => {
    it('installs a central service from its release folder and enrolls the kiosk and tablet examples', async () => {
      const home = centralMachine(engine);
      const commands = blocks('sh', '3.');
      expect(commands).toHaveLength(10);
      const [
        install,
        serve,
        bootstrap,
        itSignIn,
        facility,
        unit,
        supervisor,
        residents,
        codes,
        servicePin,
      ] = commands;
      installRuntimePackages(home, install!);
      // The person's choice of database, set where the page says: the service and the shell.
      const database: Record<string, string> =
        engine === 'postgres' ? { HOMELINE_DATABASE_URL: await cluster.createDatabase() } : {};
      const service = await startService(home, serve!, database);
      expect(service.line).toContain(`(${engine})`);
      const terminal = new Terminal(home);
      try {
        if (engine === 'postgres') await terminal.set(database);
        const admin = await terminal.type(bootstrap!);
        const itPassword = /initial password: (\S+)/.exec(admin)![1]!;
        const itSecret = /TOTP secret: +(\S+)/.exec(admin)![1]!;
        await terminal.set({
          CENTRAL: service.url,
          IT_PASSWORD: itPassword,
          IT_CODE: totpFor(itSecret, 'it@facility.example').generate(),
        });
        await terminal.type(itSignIn!);
        expect(await terminal.type('echo "csrf:$IT_CSRF"')).toMatch(/csrf:[\w-]{16,}/);

        expect(await terminal.type(facility!)).toContain('"id":"fl-central"');
        expect(await terminal.type(unit!)).toContain('"id":"fl-central-a"');

        const staff = JSON.parse(/\{"staffId".*\}/.exec(await terminal.type(supervisor!))![0]) as {
          initialPassword: string;
          totpSecret: string;
        };
        await terminal.set({
          SUP_PASSWORD: staff.initialPassword,
          SUP_CODE: totpFor(staff.totpSecret, 'sam@facility.example').generate(),
        });
        expect(await terminal.type(residents!)).toMatch(/\{"residentId":"[^"]+"\}/);

        const codeLines = [
          ...(await terminal.type(codes!)).matchAll(
            /^([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}) +\((\w+) at fl-central/gm,
          ),
        ];
        const code = Object.fromEntries(codeLines.map((match) => [match[2], match[1]]));
        expect(Object.keys(code).sort()).toEqual(['kiosk', 'tablet']);

        const hashLine = /"servicePinHash": "([^"]+)"/.exec(
          await terminal.type(servicePin!, {
            waitFor: /"servicePinHash": "[^"]+"/,
            answer: SERVICE_PIN,
          }),
        )![1]!;

        const [kioskExample, tabletExample] = blocks('json', '2.');
        const kiosk = await startDevice(kioskExample!, 'kiosk', {
          home,
          centralUrl: service.url,
          paste: {
            'PASTE-THE-KIOSK-CODE': code.kiosk!,
            'PASTE-THE-HASH-FROM-SERVICE-PIN': hashLine,
          },
        });
        const tablet = await startDevice(tabletExample!, 'tablet', {
          home,
          centralUrl: service.url,
          paste: {
            'PASTE-THE-TABLET-CODE': code.tablet!,
            'PASTE-THE-HASH-FROM-SERVICE-PIN': hashLine,
          },
        });
        expect(tablet.config.serial).toBe('TAB-0001');
        for (const device of [kiosk, tablet]) {
          expect(await enrolled(device.lines)).toMatch(/device enrolled/);
          expect(await device.connection.invoke('device.syncNow', {})).toMatchObject({ ok: true });
          expect(
            await device.connection.invoke('maintenance.unlock', { pin: SERVICE_PIN }),
          ).toMatchObject({ ok: true, value: { role: 'maintenance' } });
        }
        // A wrong port path is said at the page's default log level.
        expect(kiosk.lines.join('')).toMatch(/cannot open the device's port/);
        const resident = { method: 'doc', state: 'FL', docNumber: 'A123456', pin: '2580' };
        const fresh = kiosk.backend.connect(() => undefined);
        expect(await fresh.invoke('auth.login', resident)).toMatchObject({ ok: true });
      } finally {
        terminal.close();
        for (const backend of backends.splice(0)) await backend.close();
        await stopService(service.process);
      }
    }, 300_000);
  },
);
