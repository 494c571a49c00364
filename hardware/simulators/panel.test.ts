import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createSimulatedKiosk } from './kiosk';
import { startPanel } from './panel';

const servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function panel() {
  const kiosk = createSimulatedKiosk();
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

  it('answers --help with every command and fault', async () => {
    const { stdout } = await cli(['--help']);
    for (const word of ['ctl swipe', 'ctl bill', 'ctl fault', 'ctl script', 'cutter_error']) {
      expect(stdout).toContain(word);
    }
  });

  it('runs a file of fault steps in order against a panel', async () => {
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
          'fault paper_out --off',
          'bill 2000',
        ].join('\n'),
      );
      const { stdout } = await cli(['ctl', 'script', file, '--panel', url]);
      expect(kiosk.emulators.printer.faults).toMatchObject({ paperOut: false, coverOpen: true });
      // the refused bill says why (no app started the acceptor)
      expect(stdout).toContain('"reason":"not_started"');
      writeFileSync(file, 'fault no_such_fault\n');
      await expect(cli(['ctl', 'script', file, '--panel', url])).rejects.toMatchObject({ code: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
