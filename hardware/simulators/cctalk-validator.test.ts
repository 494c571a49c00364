import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BillAcceptor, type BillEvent, type BillStatus, type DeviceErrorEvent } from '../hal';
import { CcTalkDriver, CcTalkOptionsSchema } from '../drivers/bill/cctalk-driver';
import { SimBinding } from './binding';
import { CcTalkBillValidatorEmulator, type CcTalkEmulatorOptions } from './cctalk-emulator';
import { MemoryBillJournal, nextEvent, nextWhere, TEST_TIMINGS } from './testing';

/*
 * What only ccTalk has: the event buffer's counter (wrap, overrun), status events for fraud and
 * the stacker, the echo of a single-wire bus, and checksum errors. The cash flow shared with
 * ID-003 is in bill-acceptor.test.ts.
 */

const devices: BillAcceptor[] = [];
afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.close()));
});

async function rig(emulatorOptions: CcTalkEmulatorOptions = {}) {
  const binding = new SimBinding();
  const wire = binding.wire('cash');
  const emulator = new CcTalkBillValidatorEmulator(wire, { stepMs: 30, ...emulatorOptions });
  const journal = new MemoryBillJournal();
  const acceptor = await connect(binding, journal);
  await acceptor.enable();
  return { acceptor, emulator, wire, journal, binding };
}

/** An acceptor on `binding`; a second one on the same wire is the app restarted. */
async function connect(binding: SimBinding, journal: MemoryBillJournal) {
  const driver = new CcTalkDriver(
    'cash',
    { path: 'cash', baudRate: 9600, binding, parity: 'none' },
    CcTalkOptionsSchema.parse({ pollMs: 20, replyTimeoutMs: 2000, missedPolls: 3 }),
    journal,
  );
  const acceptor = new BillAcceptor('cash', driver, { timings: TEST_TIMINGS });
  devices.push(acceptor);
  await acceptor.open();
  await acceptor.claim();
  return acceptor;
}

const nextData = (acceptor: BillAcceptor, kind: BillEvent['kind']) =>
  nextWhere<BillEvent>(acceptor, 'data', (event) => event.kind === kind);
const nextStatus = (acceptor: BillAcceptor, state: BillStatus['state']) =>
  nextWhere<BillStatus>(acceptor, 'status', (status) => status.state === state);

/** Inserts a bill, stacks it from escrow and resolves with the credit. */
async function stackBill(
  acceptor: BillAcceptor,
  emulator: CcTalkBillValidatorEmulator,
  cents: number,
) {
  const escrow = nextData(acceptor, 'escrow');
  expect(emulator.insertBill(cents)).toBe(true);
  await escrow;
  const stacked = nextData(acceptor, 'stacked');
  await acceptor.acceptEscrow();
  return stacked;
}

describe('ccTalk bill validator specifics', () => {
  it('reads its bill table (157, 156) and identifies itself (246, 244)', async () => {
    const { acceptor } = await rig();
    expect(acceptor.capabilities.denominations).toEqual([
      { code: 1, currency: 'USD', cents: 100 },
      { code: 2, currency: 'USD', cents: 500 },
      { code: 3, currency: 'USD', cents: 1000 },
      { code: 4, currency: 'USD', cents: 2000 },
      { code: 5, currency: 'USD', cents: 5000 },
      { code: 6, currency: 'USD', cents: 10000 },
    ]);
    expect((await acceptor.checkHealth('external')).detail).toBe('HML SIM-BV1: idle');
  });

  it('follows the event counter across its wrap from 255 to 1', async () => {
    const { acceptor, emulator, journal } = await rig({ eventCounter: 252 });
    const errors: DeviceErrorEvent[] = [];
    acceptor.on('deviceError', (event) => errors.push(event));
    for (const cents of [100, 500, 2000]) await stackBill(acceptor, emulator, cents);
    // six events: 253, 254, 255, 1, 2, 3
    expect(emulator.eventCounter).toBe(3);
    expect(journal.creditedCents()).toBe(2600);
    expect(journal.credits.size).toBe(3);
    expect(errors).toEqual([]);
  });

  it('flags events overwritten in the five-event buffer for the cash count', async () => {
    const { acceptor, emulator } = await rig();
    const lost = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    const flagged = new Promise<BillStatus>((resolve) =>
      acceptor.on('status', (status) => status.reconciliation && resolve(status)),
    );
    // seven events between two polls: two of them never reach the host
    for (let i = 0; i < 7; i += 1) emulator.signal(i % 2 ? 'stacker_removed' : 'stacker_inserted');
    expect((await lost).error.extendedCode).toBe('events_lost');
    expect((await flagged).reconciliation).toBe(true);
  });

  it('reports fraud as a fraud-class error, and a removed stacker until it is back', async () => {
    const { acceptor, emulator } = await rig();
    for (const condition of ['string_fraud', 'opto_fraud', 'pulled_backwards'] as const) {
      const fraud = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
      emulator.signal(condition);
      expect((await fraud).error).toMatchObject({ extendedCode: 'cheated', errorClass: 'fraud' });
    }
    const removed = nextStatus(acceptor, 'cassette_removed');
    emulator.signal('stacker_removed');
    expect((await removed).detail).toBe('cctalk 0/11');
    const back = nextStatus(acceptor, 'idle');
    emulator.signal('stacker_inserted');
    await back;
    expect((await stackBill(acceptor, emulator, 1000)).kind).toBe('stacked');
  });

  it('reports jams and a full stacker, and takes bills again once cleared', async () => {
    const { acceptor, emulator } = await rig();
    const jam = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    emulator.faults.jam = true;
    expect((await jam).error.extendedCode).toBe('jam');
    expect(emulator.insertBill(100)).toBe(false);
    const cleared = nextStatus(acceptor, 'idle');
    emulator.faults.jam = false;
    await cleared;
    const full = nextStatus(acceptor, 'cassette_full');
    emulator.faults.cassetteFull = true;
    await full;
    const emptied = nextStatus(acceptor, 'idle');
    emulator.faults.cassetteFull = false;
    await emptied;
    expect((await stackBill(acceptor, emulator, 500)).kind).toBe('stacked');
  });

  it('after an app restart: the stacked bill is credited, a bill inserted meanwhile is new', async () => {
    const { acceptor, emulator, journal, binding } = await rig();
    const escrow = nextData(acceptor, 'escrow');
    emulator.insertBill(2000);
    await escrow;
    journal.failCredits = true; // the app dies before the credit is written
    const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    await acceptor.acceptEscrow();
    await failure;
    await acceptor.close();
    // the validator was left enabled: a visitor feeds another bill while the app is away
    const decided = new Promise((resolve) => emulator.insertBill(500, resolve));
    expect(await decided).toBe('escrow');

    journal.failCredits = false;
    const restarted = await connect(binding, journal);
    expect(journal.creditedCents()).toBe(2000);
    expect(journal.credits.size).toBe(1);
    // the $5 waits in escrow as a bill of its own, journaled now, offered once the device is up
    expect(await journal.open('cash')).toMatchObject({ cents: 500, state: 'escrow' });
    const offered = nextData(restarted, 'escrow');
    await restarted.enable();
    expect(await offered).toEqual({ kind: 'escrow', cents: 500, currency: 'USD' });
    const returned = nextData(restarted, 'returned');
    await restarted.returnEscrow();
    expect(await returned).toEqual({ kind: 'returned', cents: 500 });
    expect(journal.creditedCents()).toBe(2000);
  });

  it('works on a single-wire bus that echoes every command back', async () => {
    const { acceptor, emulator, journal } = await rig({ echo: true });
    await stackBill(acceptor, emulator, 5000);
    expect(journal.creditedCents()).toBe(5000);
  });

  it('reports checksum errors, survives garbage, and stays usable', async () => {
    const { acceptor, emulator, wire, journal } = await rig();
    const checksum = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    // a reply-shaped frame whose checksum is off by one
    wire.send(Uint8Array.of(1, 1, 40, 0, 7, 0xd7));
    expect((await checksum).error.extendedCode).toBe('checksum');
    for (let i = 0; i < 4; i += 1) wire.send(randomBytes(48));
    await stackBill(acceptor, emulator, 2000);
    expect(journal.creditedCents()).toBe(2000);
  });
});
