import { afterEach, describe, expect, it } from 'vitest';
import {
  BillAcceptor,
  type BillCredit,
  type BillEvent,
  type BillStatus,
  type DeviceErrorEvent,
} from '../hal';
import { Id003Driver, Id003OptionsSchema } from '../drivers/bill/id003-driver';
import { SimBinding } from './binding';
import { BillAcceptorEmulator } from './bill-emulator';
import { MemoryBillJournal, nextEvent, TEST_TIMINGS } from './testing';

const devices: BillAcceptor[] = [];

/** An acceptor on `wire` with `journal`; a second rig on the same wire is the app restarted. */
async function connect(binding: SimBinding, journal: MemoryBillJournal, replyTimeoutMs = 2000) {
  const driver = new Id003Driver(
    'cash',
    { path: 'cash', baudRate: 9600, binding, parity: 'even' },
    // a generous answer bound so a busy machine never fails a test; only the no-answer test
    // shortens it, where timing out is the point
    Id003OptionsSchema.parse({ pollMs: 20, replyTimeoutMs, missedPolls: 3 }),
    journal,
  );
  const acceptor = new BillAcceptor('cash', driver, { timings: TEST_TIMINGS });
  devices.push(acceptor);
  await acceptor.open();
  await acceptor.claim();
  return acceptor;
}

async function rig(journal = new MemoryBillJournal(), replyTimeoutMs?: number) {
  const binding = new SimBinding();
  const wire = binding.wire('cash');
  const emulator = new BillAcceptorEmulator(wire, undefined, 30);
  const acceptor = await connect(binding, journal, replyTimeoutMs);
  return { acceptor, emulator, wire, journal, binding };
}

/** Collects data events until `predicate` matches one. */
function until(acceptor: BillAcceptor, predicate: (event: BillEvent) => boolean, ms = 3000) {
  return new Promise<BillEvent[]>((resolve, reject) => {
    const seen: BillEvent[] = [];
    const timer = setTimeout(() => reject(new Error(`timed out, saw ${JSON.stringify(seen)}`)), ms);
    const listener = (event: BillEvent) => {
      seen.push(event);
      if (!predicate(event)) return;
      clearTimeout(timer);
      acceptor.off('data', listener);
      resolve(seen);
    };
    acceptor.on('data', listener);
  });
}

/** Resolves once the acceptor is in (or, with `next`, next reports) one of `states`. */
function untilState(
  acceptor: BillAcceptor,
  when: { next: boolean } | BillStatus['state'],
  ...more: BillStatus['state'][]
) {
  const next = typeof when === 'object' && when.next;
  const states = typeof when === 'object' ? more : [when, ...more];
  return new Promise<void>((resolve) => {
    if (!next && states.includes(acceptor.billState)) return resolve();
    const listener = (status: BillStatus) => {
      if (!states.includes(status.state)) return;
      acceptor.off('status', listener);
      resolve();
    };
    acceptor.on('status', listener);
  });
}

afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.close()));
});

describe('ID-003 bill acceptor over the simulated wire', () => {
  it('reads the currency assignment and starts inhibited', async () => {
    const { acceptor, emulator } = await rig();
    expect(acceptor.capabilities.denominations.map((d) => d.cents)).toEqual([
      100, 500, 1000, 2000, 5000, 10000,
    ]);
    expect(acceptor.billState).toBe('disabled');
    expect(emulator.insertBill(2000)).toBe(false);
  });

  it('escrow -> stack: journals the bill at escrow, credits it before the ACK', async () => {
    const { acceptor, emulator, journal } = await rig();
    let emulatorPhaseAtCredit = '';
    journal.on('credited', () => (emulatorPhaseAtCredit = emulator.phaseName));
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    expect(emulator.insertBill(2000)).toBe(true);
    expect((await escrow).at(-1)).toEqual({ kind: 'escrow', cents: 2000, currency: 'USD' });
    // the value is written when the bill is in escrow, before anyone can stack it
    expect([...journal.bills.values()]).toMatchObject([{ cents: 2000, state: 'escrow' }]);
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    await acceptor.acceptEscrow();
    const last = (await stacked).at(-1);
    const [bill] = journal.bills.values();
    expect(last).toMatchObject({
      kind: 'stacked',
      credit: { creditId: bill!.billId, cents: 2000, device: 'cash' },
    });
    expect(journal.credits.size).toBe(1);
    expect(emulatorPhaseAtCredit).toBe('vend_valid');
    expect(emulator.cassette).toEqual([2000]);
  });

  it('escrow -> return gives the bill back and credits nothing', async () => {
    const { acceptor, emulator, journal } = await rig();
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(500);
    await escrow;
    const returned = until(acceptor, (event) => event.kind === 'returned');
    await acceptor.returnEscrow();
    expect((await returned).at(-1)).toEqual({ kind: 'returned', cents: 500 });
    expect(journal.credits.size).toBe(0);
    expect([...journal.bills.values()]).toMatchObject([{ cents: 500, state: 'returned' }]);
    expect(emulator.cassette).toEqual([]);
  });

  it('rejects inhibited denominations and unknown bills', async () => {
    const { acceptor, emulator } = await rig();
    await acceptor.enable();
    await acceptor.setAcceptedDenominations([100, 500]);
    const rejected = until(acceptor, (event) => event.kind === 'rejected');
    emulator.insertBill(2000);
    expect((await rejected).at(-1)).toMatchObject({
      kind: 'rejected',
      refusal: 'denomination_refused',
    });
    await expect(acceptor.setAcceptedDenominations([300])).rejects.toMatchObject({
      code: 'illegal',
    });
    // the slot opens again once the acceptor is back to idle
    await untilState(acceptor, 'idle');
    const again = until(acceptor, (event) => event.kind === 'rejected');
    expect(emulator.insertBill(200)).toBe(true);
    expect((await again).at(-1)).toMatchObject({ kind: 'rejected', refusal: 'unreadable' });
  });

  it('does not ACK until the credit is recorded; the retry reuses the same credit id', async () => {
    const { acceptor, emulator, journal } = await rig();
    journal.failCredits = true;
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(1000);
    await escrow;
    const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    await acceptor.acceptEscrow();
    expect((await failure).error.extendedCode).toBe('credit_not_recorded');
    expect(emulator.phaseName).toBe('vend_valid');
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    journal.failCredits = false;
    await stacked;
    expect(new Set(journal.creditAttempts).size).toBe(1);
    expect(journal.creditAttempts.length).toBeGreaterThan(1);
    expect(emulator.cassette).toEqual([1000]);
  });

  it('reports a jam and a full cassette as status and error events', async () => {
    const { acceptor, emulator } = await rig();
    await acceptor.enable();
    for (const [fault, state, code] of [
      ['jam', 'jammed', 'jam'],
      ['cassetteFull', 'cassette_full', 'cassette_full'],
    ] as const) {
      const status = new Promise<BillStatus>((resolve) => {
        const listener = (value: BillStatus) => {
          if (value.state !== state) return;
          acceptor.off('status', listener);
          resolve(value);
        };
        acceptor.on('status', listener);
      });
      const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
      emulator.faults[fault] = true;
      expect((await status).state).toBe(state);
      expect((await failure).error.extendedCode).toBe(code);
      expect(emulator.insertBill(100)).toBe(false);
      emulator.faults[fault] = false;
    }
  });

  it('goes offline when polls go unanswered, and resumes', async () => {
    const { acceptor, emulator } = await rig(undefined, 150);
    await acceptor.enable();
    const offline = nextEvent(acceptor, 'power');
    emulator.faults.noAnswer = true;
    expect(await offline).toBe('offline');
    const online = nextEvent(acceptor, 'power');
    emulator.faults.noAnswer = false;
    expect(await online).toBe('online');
    // reconnect re-enables input: bills are accepted again
    await untilState(acceptor, 'idle');
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    expect(emulator.insertBill(100)).toBe(true);
    await escrow;
  });

  it('a restart mid-stack credits the value read at escrow, once', async () => {
    const { acceptor, emulator, journal, binding } = await rig();
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(2000);
    await escrow;
    journal.failCredits = true; // the app dies before the credit is written
    const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    await acceptor.acceptEscrow();
    await failure;
    await acceptor.close();
    expect(emulator.phaseName).toBe('vend_valid');

    journal.failCredits = false;
    const credited = nextEvent<BillCredit>(journal, 'credited');
    const restarted = await connect(binding, journal);
    const settled = untilState(restarted, { next: true }, 'stacked', 'disabled');
    const credit = await credited;
    const [bill] = journal.bills.values();
    expect(credit).toEqual({
      creditId: bill!.billId,
      device: 'cash',
      cents: 2000,
      currency: 'USD',
    });
    expect(journal.creditedCents()).toBe(2000);
    await settled; // the ACK went out: the acceptor moved the bill into the cassette
    expect(emulator.cassette).toEqual([2000]);
    expect(journal.credits.size).toBe(1);
  });

  it('a power cut at vend valid: the bill in the stacker is credited once after the reset', async () => {
    const { acceptor, emulator, journal } = await rig();
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(1000);
    await escrow;
    journal.failCredits = true;
    const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    await acceptor.acceptEscrow();
    await failure;
    const recovered = until(acceptor, (event) => event.kind === 'stacked');
    const reconciliation = new Promise<BillStatus>((resolve) =>
      acceptor.on('status', (status) => status.reconciliation && resolve(status)),
    );
    emulator.powerCycle();
    journal.failCredits = false;
    expect((await recovered).at(-1)).toMatchObject({
      kind: 'stacked',
      recovered: true,
      credit: { cents: 1000 },
    });
    expect((await reconciliation).reconciliation).toBe(true);
    expect(journal.creditedCents()).toBe(1000);
    expect(emulator.cassette).toEqual([1000]);
  });

  it('escrow survives an unplug and replug: the bill is offered again and can be stacked', async () => {
    const { acceptor, emulator, wire, journal } = await rig();
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(5000);
    await escrow;
    const offline = nextEvent(acceptor, 'power');
    wire.unplug();
    expect(await offline).toBe('offline');
    const again = until(acceptor, (event) => event.kind === 'escrow');
    wire.replug();
    expect((await again).at(-1)).toEqual({
      kind: 'escrow',
      cents: 5000,
      currency: 'USD',
      recovered: true,
    });
    expect(journal.bills.size).toBe(1); // the same bill, not a second one
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    await acceptor.acceptEscrow();
    expect((await stacked).at(-1)).toMatchObject({ credit: { cents: 5000 } });
    expect(journal.creditedCents()).toBe(5000);
  });

  it('a power cut with a bill in escrow: the reset gives it back, the session hears so', async () => {
    const { acceptor, emulator, journal } = await rig();
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(2000);
    await escrow;
    const returned = until(acceptor, (event) => event.kind === 'returned');
    emulator.powerCycle();
    expect((await returned).at(-1)).toEqual({ kind: 'returned', cents: 2000, recovered: true });
    expect([...journal.bills.values()]).toMatchObject([{ state: 'returned' }]);
    expect(journal.credits.size).toBe(0);
    expect(emulator.cassette).toEqual([]);
  });

  it('survives garbage, CRC errors and 1-byte fragments on the line', async () => {
    const { acceptor, emulator, wire } = await rig();
    await acceptor.enable();
    wire.send(Uint8Array.of(0xfc, 0x06, 0x13, 0x65, 0x94, 0xbe, 0x00, 0x17));
    wire.profile = { fragmentSize: 1 };
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(5000);
    await escrow;
    await acceptor.acceptEscrow();
    expect((await stacked).at(-1)).toMatchObject({ credit: { cents: 5000 } });
  });
});
