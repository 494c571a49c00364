import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../electron/backend';
import { keyFileSource } from '../electron/backend/store';
import { composeBackend } from '../electron/shell/backend';
import { ShellConfigSchema, type ShellConfig } from '../electron/shell/config/schema';
import { runCli } from '../sync/server/cli';
import { totpFor } from '../sync/server/staff-identity';

/**
 * docs/install.md followed literally: every `sh` command of its step 3, in order, typed into one
 * bash session in a Homeline folder (the repository's sources copied into a scratch folder, so
 * what the commands write stays there), against a real central service on 127.0.0.1 whose data
 * folder is that folder's default `.data/central`. The test plays the person: it reads what the
 * commands print and sets the variables the page tells them to set. Then the page's two JSON
 * examples, with the printed codes and Service PIN line pasted in, start a kiosk and a tablet
 * backend in plain Node, as the shell composes them: both enroll, sync, and open the Service
 * screen with the PIN; the resident added on the page signs in on the kiosk.
 */
const guide = readFileSync('docs/install.md', 'utf8');
const repo = resolve('.');
const home = mkdtempSync(join(tmpdir(), 'homeline-install-'));
const SERVICE_PIN = '482913';

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
    this.bash = spawn('bash', ['--noprofile', '--norc'], {
      cwd,
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
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

let stopCentral: () => Promise<void>;
let centralUrl: string;
const backends: Backend[] = [];

beforeAll(async () => {
  // The Homeline folder on the central service's machine: the sources the commands run (copied,
  // so each program sees itself as the main module) and the installed packages.
  for (const entry of ['package.json', 'tsconfig.json', 'assets', 'cli', 'domain', 'electron'])
    cpSync(join(repo, entry), join(home, entry), { recursive: true });
  for (const entry of ['hardware', 'scripts', 'sync'])
    cpSync(join(repo, entry), join(home, entry), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(home, 'node_modules'), 'dir');
  const printed: string[] = [];
  stopCentral = await runCli(
    ['--data-dir', join(home, '.data', 'central'), '--port', '0'],
    { LOG_LEVEL: 'silent', NODE_ENV: 'production' },
    (line) => printed.push(line),
  );
  centralUrl = /central service on (http:\/\/\S+)/.exec(printed.join('\n'))![1]!;
}, 120_000);

afterAll(async () => {
  for (const backend of backends) await backend.close();
  await stopCentral?.();
  rmSync(home, { recursive: true, force: true });
});

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

async function startDevice(example: string, name: string, paste: Record<string, string>) {
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

describe('docs/install.md, followed literally', () => {
  it('sets up a new central service and enrolls its kiosk and tablet examples', async () => {
    const commands = blocks('sh', '3.');
    const terminal = new Terminal(home);
    try {
      expect(commands).toHaveLength(8);
      const [bootstrap, itSignIn, facility, unit, supervisor, residents, codes, servicePin] =
        commands;

      const admin = await terminal.type(bootstrap!);
      const itPassword = /initial password: (\S+)/.exec(admin)![1]!;
      const itSecret = /TOTP secret: +(\S+)/.exec(admin)![1]!;
      await terminal.set({
        CENTRAL: centralUrl,
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
        'PASTE-THE-KIOSK-CODE': code.kiosk!,
        'PASTE-THE-HASH-FROM-SERVICE-PIN': hashLine,
      });
      const tablet = await startDevice(tabletExample!, 'tablet', {
        'PASTE-THE-TABLET-CODE': code.tablet!,
        'PASTE-THE-HASH-FROM-SERVICE-PIN': hashLine,
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
    }
  }, 300_000);
});
