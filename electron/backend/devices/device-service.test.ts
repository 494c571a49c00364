import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../contract';
import { tempDir } from '../testing/temp-dir';
import { DeviceConfigError, type ReceiptDocument } from '../../../hardware/hal';
import { buildReceiptDocument } from '../receipts/receipt-documents';
import { createDeviceService } from './device-service';
import { luhnRuns, scanForCardData } from './leak-scan';

const socat = spawnSync('which', ['socat']).status === 0;
if (!socat)
  console.warn('device service tests skipped: socat is absent (apt-get install -y socat)');

type Recorded = { event: EventName; payload: unknown };

const header = { deviceId: 'kiosk-test', at: '2026-12-01T12:00:00.000Z', locale: 'en' } as const;
const testPage = buildReceiptDocument({ kind: 'test_page', ...header });

describe('device service configuration', () => {
  it('refuses a bad device configuration with a DeviceConfigError', () => {
    const dir = tempDir('homeline-devices-bad-');
    try {
      const base = {
        logger: pino({ level: 'silent' }),
        onEvent: () => undefined,
        creditJournalPath: join(dir.path, 'credits.db'),
      };
      for (const config of [
        undefined,
        {
          devices: { card: { class: 'CardReader', driver: 'magstripe', port: { kind: 'serial' } } },
        },
        {
          devices: { card: { class: 'Toaster', driver: 'magstripe', port: { kind: 'simulated' } } },
        },
        {
          devices: {
            cash: { class: 'BillAcceptor', driver: 'id003', port: { kind: 'simulated' } },
          },
        },
      ]) {
        expect(() => createDeviceService({ ...base, config })).toThrow(DeviceConfigError);
      }
    } finally {
      dir.cleanup();
    }
  });
});

describe('device service with an unreachable network printer', () => {
  it('starts, reports the printer offline, and logs why in one line', async () => {
    const dir = tempDir('homeline-devices-tcp-');
    const lines: { msg: string; device?: string; reason?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
    );
    const events: Recorded[] = [];
    let reported: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (reported = resolve));
    const service = createDeviceService({
      config: {
        devices: {
          printer: {
            class: 'ReceiptPrinter',
            driver: 'escpos',
            // port 1 on loopback: nothing listens there, the connection is refused
            port: { kind: 'tcp', host: '127.0.0.1', port: 1 },
          },
        },
      },
      logger,
      onEvent: (event, payload) => {
        events.push({ event, payload });
        if (event === 'hardware.health') reported();
      },
      creditJournalPath: join(dir.path, 'credits.db'),
    });
    try {
      await started;
      const [health] = events.map(({ payload }) => payload as EventPayload<'hardware.health'>);
      expect(health?.devices).toMatchObject([{ name: 'printer', state: 'offline' }]);
      expect(lines.find((line) => line.msg === 'device offline')).toMatchObject({
        device: 'printer',
        reason: 'printer at 127.0.0.1:1 refused the connection (is it on, and is the port right?)',
      });
    } finally {
      await service.close();
      dir.cleanup();
    }
  });
});

describe('a device port that cannot be opened', () => {
  it('is said at the default log level, naming the device and the path', async () => {
    const dir = tempDir('homeline-devices-wrong-port-');
    const path = join(dir.path, 'ttyUSB-no-such-port');
    const sink = new Writable({
      write(chunk, _encoding, done) {
        sink.emit('logLine', String(chunk));
        done();
      },
    });
    const said = new Promise<string>((resolve) => {
      sink.on('logLine', (line: string) => {
        if (line.includes('cannot open')) resolve(line);
      });
    });
    const service = createDeviceService({
      // The shell's default level: what facility IT sees without turning on debug.
      logger: pino({ level: 'info' }, sink),
      onEvent: () => undefined,
      creditJournalPath: join(dir.path, 'credits.db'),
      config: {
        devices: {
          printer: {
            class: 'ReceiptPrinter',
            driver: 'escpos',
            port: { kind: 'serial', path, baudRate: 38400 },
          },
        },
      },
    });
    const line = JSON.parse(await said) as { level: number; device: string; msg: string };
    await service.close();
    dir.cleanup();
    expect(line.level).toBe(40); // warn
    expect(line.device).toBe('printer');
    expect(line.msg).toContain(path);
  });
});

describe.skipIf(!socat)('device service against the simulator on socat ptys', () => {
  const dir = tempDir('homeline-devices-');
  const simDir = tempDir('homeline-sim-');
  let sim: ChildProcess;
  let panel: string;
  let service: ReturnType<typeof createDeviceService>;
  const events: Recorded[] = [];
  const waiters: { match(r: Recorded): boolean; resolve(r: Recorded): void }[] = [];
  let eventsDb: Database.Database;
  const logFile = join(dir.path, 'devices.log');

  /** The next event matching, from now on. */
  function next<E extends EventName>(
    event: E,
    where: (payload: EventPayload<E>) => boolean = () => true,
    ms = 8000,
  ): Promise<EventPayload<E>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
      waiters.push({
        match: (r) => r.event === event && where(r.payload as EventPayload<E>),
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r.payload as EventPayload<E>);
        },
      });
    });
  }

  async function act(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${panel}/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    sim = spawn(
      process.execPath,
      ['--import', 'tsx', 'hardware/simulators/cli.ts', '--dir', simDir.path],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [line] = (await once(createInterface({ input: sim.stdout! }), 'line')) as [string];
    const started = JSON.parse(line) as { panel: string; configFile: string };
    panel = started.panel;

    // what a backend does with hardware events: log them and keep them in SQLite
    eventsDb = new Database(join(dir.path, 'events.db'));
    eventsDb.exec('CREATE TABLE events (name TEXT NOT NULL, payload TEXT NOT NULL) STRICT');
    const insert = eventsDb.prepare('INSERT INTO events (name, payload) VALUES (?, ?)');
    const logger = pino(
      { level: 'debug', timestamp: pino.stdTimeFunctions.isoTime },
      pino.destination({ dest: logFile, sync: true }),
    );
    service = createDeviceService({
      config: JSON.parse(readFileSync(started.configFile, 'utf8')),
      logger,
      creditJournalPath: join(dir.path, 'credits.db'),
      onEvent: (event, payload) => {
        logger.info({ event, payload }, 'hardware event');
        insert.run(event, JSON.stringify(payload));
        const recorded = { event, payload };
        events.push(recorded);
        const index = waiters.findIndex((waiter) => waiter.match(recorded));
        if (index >= 0) waiters.splice(index, 1)[0]?.resolve(recorded);
      },
    });
    await next(
      'hardware.health',
      (p) => p.devices.length === 4 && p.devices.every((d) => d.state !== 'offline'),
    );
  }, 30_000);

  afterAll(async () => {
    await service?.close();
    eventsDb?.close();
    sim?.kill('SIGTERM');
    if (sim) await once(sim, 'exit');
    dir.cleanup();
    simDir.cleanup();
  });

  it('reports the hardware and its health', () => {
    expect(service.hardware()).toEqual({
      cardReader: true,
      receiptPrinter: true,
      billAcceptor: true,
      badgeScanner: true,
    });
    expect(service.health().map((device) => [device.kind, device.simulated])).toEqual([
      ['card_reader', false],
      ['receipt_printer', false],
      ['bill_acceptor', false],
      ['badge_scanner', false],
    ]);
  });

  it('reads a card once per start, refuses other brands', async () => {
    await service.startCardRead();
    const read = next('hardware.cardRead');
    await act('swipe', { card: 'visa', name: 'DOE/JANE' });
    expect(await read).toMatchObject({
      brand: 'visa',
      last4: '1111',
      funding: 'credit',
      cardholderName: 'JANE DOE',
    });
    await service.startCardRead();
    const refused = next('hardware.cardError');
    await act('swipe', { card: 'amex' });
    expect(await refused).toMatchObject({ code: 'brand_refused', reason: 'not_accepted' });
    await service.startCardRead();
    const mc = next('hardware.cardRead');
    await act('swipe', { card: 'mastercard2Series' });
    expect((await mc).brand).toBe('mastercard');
    await service.cancelCardRead();
  });

  it('runs a cash session: escrow, accept, return; credits journaled once', async () => {
    const session = await service.startCash();
    const escrow = next('hardware.bill', (p) => p.event === 'escrow');
    await act('bill', { cents: 2000 });
    expect((await escrow).session.escrowCents).toBe(2000);
    const stacked = next('hardware.bill', (p) => p.event === 'stacked');
    await service.escrow(session.cashSessionId, 'accept');
    expect((await stacked).denominationCents).toBe(2000);

    const second = next('hardware.bill', (p) => p.event === 'escrow');
    await act('bill', { cents: 500 });
    await second;
    const returned = next('hardware.bill', (p) => p.event === 'returned');
    await service.escrow(session.cashSessionId, 'return');
    expect((await returned).denominationCents).toBe(500);

    const ended = await service.endCash(session.cashSessionId);
    expect(ended).toMatchObject({ state: 'ended', insertedCents: 2000, escrowCents: null });
    expect(service.cashSession(session.cashSessionId)?.insertedCents).toBe(2000);
    await expect(service.escrow(session.cashSessionId, 'accept')).rejects.toThrow(/escrow/);
    await expect(service.endCash('no-such-session')).rejects.toThrow(/unknown cash session/);
  });

  it('prints receipts; a paper-out job fails with a printer event; unplug and replug', async () => {
    const job = await service.print(
      buildReceiptDocument({
        kind: 'deposit',
        ...header,
        locale: 'es',
        depositId: 'dep-1',
        residentName: 'José Núñez',
        docNumber: 'S123456',
        amountCents: 2000,
        feeCents: 195,
        totalCents: 2195,
        payment: { method: 'cash' },
      }),
    );
    expect(job).toMatchObject({ status: 'printed', error: null });
    const printed = (await (await fetch(`${panel}/api/state`)).json()) as { printed: string[] };
    expect(printed.printed.at(-1)).toContain('José Núñez');
    expect(printed.printed.at(-1)).toContain('RECIBO DE DEPÓSITO');

    // each job reports queued, sent, then printed (a status read after the cut) or failed
    const jobStates = (jobId: string) =>
      events.flatMap(({ event, payload }) => {
        const job =
          event === 'hardware.printer' ? (payload as EventPayload<'hardware.printer'>).job : null;
        return job?.jobId === jobId ? [job.status] : [];
      });
    expect(jobStates(job.jobId)).toEqual(['queued', 'sent', 'printed']);

    await act('fault', { fault: 'paper_out' });
    const event = next('hardware.printer', (p) => p.job?.status === 'failed');
    const failed = await service.print(testPage);
    expect(failed.status).toBe('failed');
    expect(await event).toMatchObject({ condition: 'paper_out', job: { status: 'failed' } });
    expect(jobStates(failed.jobId)).toEqual(['queued', 'failed']);
    await act('fault', { fault: 'paper_out', on: false });

    const offline = next('hardware.health', (p) => p.devices.some((d) => d.state === 'offline'));
    await act('fault', { fault: 'unplug', device: 'printer' });
    await offline;
    const online = next('hardware.health', (p) => p.devices.every((d) => d.state !== 'offline'));
    await act('fault', { fault: 'replug', device: 'printer' });
    await online;
    expect((await service.print(testPage)).status).toBe('printed');
  });

  it('reports a receipt with control characters as a failed job, printing nothing', async () => {
    const before = ((await (await fetch(`${panel}/api/state`)).json()) as { printed: string[] })
      .printed.length;
    // a document is validated again at the printer: text may not carry printer commands
    const job = await service.print({
      blocks: [{ type: 'text', text: 'Evil\u001b@\u001dV\u0000' }],
    } as ReceiptDocument);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/control characters/);
    const after = ((await (await fetch(`${panel}/api/state`)).json()) as { printed: string[] })
      .printed.length;
    expect(after).toBe(before);
  });

  it('passes badge scans in the contract format only', async () => {
    const scan = next('hardware.badge');
    await act('badge', { badge: 'S123456' });
    expect(await scan).toEqual({ badgeToken: 'S123456' });
    const again = next('hardware.badge');
    await act('badge', { badge: 'FL-998877', aim: ']C0' });
    expect(await again).toEqual({ badgeToken: 'FL-998877' });
  });

  it('left no card number or track data in any log line or SQLite file', () => {
    expect(luhnRuns('x4111111111111111y')).toContain('4111111111111111');
    expect(readFileSync(logFile, 'utf8')).toContain('hardware.cardRead');
    expect(scanForCardData(dir.path)).toEqual([]);
  });
});
