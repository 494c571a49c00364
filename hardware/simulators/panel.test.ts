import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DeviceManager } from '../hal';
import { standardDrivers } from '../drivers';
import { BILL_ACCEPTOR_PROTOCOLS, createSimulatedKiosk, type BillAcceptorProtocol } from './kiosk';
import { runScript, StepError } from './ctl';
import { startPanel } from './panel';
import { MemoryBillJournal, TEST_TIMINGS } from './testing';

const servers: FastifyInstance[] = [];
const managers: DeviceManager[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
});

async function panel(billAcceptor?: BillAcceptorProtocol) {
  const kiosk = createSimulatedKiosk({ pace: 'fast', billAcceptor });
  const { url, server } = await startPanel(kiosk.controls, () => ({ ports: {} }));
  servers.push(server);
  const post = (path: string, body: unknown) =>
    fetch(`${url}/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { url, post, kiosk };
}

describe('simulator web panel', () => {
  it('serves the panel in English and Spanish on 127.0.0.1', async () => {
    const { url } = await panel();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const en = await (await fetch(url)).text();
    const es = await (await fetch(`${url}/?lang=es`)).text();
    expect(en).toContain('Swipe a test card');
    expect(es).toContain('Pasar una tarjeta de prueba');
    expect(es).toContain('lang="es"');
    // a device selector for the faults, and an answer slot beside each group of buttons
    for (const device of ['card', 'printer', 'cash', 'badge']) {
      expect(en).toContain(`<option>${device}</option>`);
    }
    expect(en).toContain('Device for the faults');
    expect(es).toContain('Dispositivo para las fallas');
    expect(en.match(/<output><\/output>/g)?.length).toBeGreaterThan(20);
  });

  it('applies valid actions and faults', async () => {
    const { post, kiosk } = await panel();
    expect((await post('fault', { fault: 'paper_out' })).status).toBe(200);
    expect(kiosk.emulators.printer.faults.paperOut).toBe(true);
    expect((await post('fault', { fault: 'paper_out', on: false })).status).toBe(200);
    expect(kiosk.emulators.printer.faults.paperOut).toBe(false);
    expect((await post('swipe', { card: 'visa' })).status).toBe(200);
    expect((await post('badge', { badge: 'S123456', aim: ']C0' })).status).toBe(200);
    // no app has started the acceptor: the slot refuses the bill and says why
    const bill = (await (await post('bill', { cents: 2000 })).json()) as { result: unknown };
    expect(bill.result).toEqual({ taken: false, reason: 'not_started' });
    // the fault goes to the device chosen: a printer power cycle clears its latched errors
    await post('fault', { fault: 'cutter_error' });
    expect(kiosk.emulators.printer.faults.cutterError).toBe(true);
    expect((await post('fault', { fault: 'power_cycle', device: 'printer' })).status).toBe(200);
    expect(kiosk.emulators.printer.faults.cutterError).toBe(false);
  });

  it.each(BILL_ACCEPTOR_PROTOCOLS)(
    'says why a bill was refused, with the %s acceptor behind an app',
    async (protocol) => {
      const { post, kiosk } = await panel(protocol);
      const manager = new DeviceManager(kiosk.config, {
        drivers: standardDrivers,
        simulatedBinding: kiosk.binding,
        billJournal: new MemoryBillJournal(),
        timings: TEST_TIMINGS,
      });
      managers.push(manager);
      await manager.start();
      const cash = manager.first('BillAcceptor')!;
      // the acceptor gives a refused bill back before its slot opens again
      const slotOpen = () =>
        new Promise<void>((resolve) => {
          if (kiosk.controls.billSlotClosedBecause() === null) return resolve();
          cash.on('status', () => kiosk.controls.billSlotClosedBecause() === null && resolve());
        });
      const bill = async (cents: number) =>
        ((await (await post('bill', { cents })).json()) as { result: unknown }).result;
      // started but no cash session: inhibited
      expect(await bill(2000)).toEqual({ taken: false, reason: 'inhibited' });
      await cash.enable();
      await cash.setAcceptedDenominations([100, 500]);
      expect(await bill(200)).toEqual({ taken: false, reason: 'unknown_bill' });
      await slotOpen();
      expect(await bill(2000)).toEqual({ taken: false, reason: 'denomination_inhibited' });
      await slotOpen();
      expect(await bill(500)).toEqual({ taken: true, outcome: 'escrow' });
      // a second bill while the first waits in escrow: the slot is busy
      expect(await bill(100)).toEqual({ taken: false, reason: 'busy' });
    },
  );

  it('answers bad requests with 400 and the problems, changing nothing', async () => {
    const { post, kiosk } = await panel();
    for (const [path, body] of [
      ['swipe', { card: '4111111111111111' }],
      ['swipe', { card: 'visa', expiry: '12/30' }],
      ['bill', { cents: -5 }],
      ['bill', { cents: 'twenty' }],
      ['badge', { badge: 'bad\u0007bell' }],
      ['fault', { fault: 'melt' }],
      ['fault', { fault: 'no_answer', device: 'card' }],
      ['fault', { fault: 'jam', extra: true }],
    ] as const) {
      const response = await post(path, body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBeTruthy();
    }
    expect(kiosk.emulators.cash.faults).toEqual({
      jam: false,
      cassetteFull: false,
      noAnswer: false,
    });
  });
});

describe('simulator CLI', () => {
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'hardware/simulators/cli.ts',
      ...args,
    ]);

  it('answers --help with every command, step and fault', async () => {
    const { stdout } = await cli(['--help']);
    for (const word of [
      'ctl STEP',
      'ctl script',
      'ctl shell',
      'swipe [CARD]',
      'bill CENTS',
      'badge TOKEN',
      'fault NAME',
      'printed',
      'wait MS',
      'cutter_error',
      '--bill-acceptor id003|cctalk',
      'curl',
    ]) {
      expect(stdout).toContain(word);
    }
  });

  it('runs a file of fault steps in order against a panel; a bad step names its line', async () => {
    const { url, kiosk } = await panel();
    const dir = mkdtempSync(join(tmpdir(), 'homeline-sim-script-'));
    try {
      const file = join(dir, 'faults.txt');
      writeFileSync(
        file,
        [
          '# paper runs out, the cover is opened, the paper is refilled',
          'fault paper_out',
          'fault cover_open',
          '',
          '  fault paper_out --off',
          'wait 0',
          'bill 2000',
        ].join('\n'),
      );
      const { stdout } = await cli(['ctl', 'script', file, '--panel', url]);
      expect(kiosk.emulators.printer.faults).toMatchObject({ paperOut: false, coverOpen: true });
      expect(stdout).toContain('# fault paper_out --off');
      // the refused bill says why (no app started the acceptor)
      expect(stdout).toContain('"reason":"not_started"');
      writeFileSync(file, 'fault cover_open --off\n# next\nfault no_such_fault\nfault jam\n');
      await expect(cli(['ctl', 'script', file, '--panel', url])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('faults.txt:3: 400'),
      });
      // the steps before the bad one ran, the ones after did not
      expect(kiosk.emulators.printer.faults.coverOpen).toBe(false);
      expect(kiosk.emulators.cash.faults.jam).toBe(false);
      // the same step grammar in-process: each malformed step is refused before any request
      const printed: string[] = [];
      for (const bad of ['bill twenty', 'wait 99999', 'fault', 'swipe visa extra', 'melt']) {
        writeFileSync(file, `${bad}\n`);
        await expect(
          runScript(url, file, (line) => printed.push(line)),
          bad,
        ).rejects.toThrow(StepError);
      }
      expect(printed).toHaveLength(5); // each echoed as `# step`, none answered
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps one shell open: each step answered in turn, a refused step does not end it', async () => {
    const { url, kiosk } = await panel();
    const shell = spawn(
      process.execPath,
      ['--import', 'tsx', 'hardware/simulators/cli.ts', 'ctl', 'shell', '--panel', url],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: shell.stdout });
    const answers = lines[Symbol.asyncIterator]();
    const answer = async () => (await answers.next()).value as string;
    expect(await answer()).toBe('ready');
    shell.stdin.write('fault jam\n');
    expect(JSON.parse(await answer())).toEqual({ ok: true, result: null });
    expect(kiosk.emulators.cash.faults.jam).toBe(true);
    shell.stdin.write('bill 2000\n');
    expect(JSON.parse(await answer())).toEqual({
      ok: true,
      result: { taken: false, reason: 'jammed' },
    });
    shell.stdin.write('fault melt\n');
    expect(await answer()).toMatch(/^error: 400/);
    shell.stdin.write('# a comment\nfault jam --off\n');
    expect(JSON.parse(await answer())).toEqual({ ok: true, result: null });
    expect(kiosk.emulators.cash.faults.jam).toBe(false);
    shell.stdin.write('exit\n');
    const [code] = (await once(shell, 'exit')) as [number];
    expect(code).toBe(0);
  });
});
