import { afterEach, describe, expect, it } from 'vitest';
import {
  BillAcceptor,
  type BillAcceptorDriver,
  type BillCredit,
  type BillEvent,
  type BillJournal,
  type BillStatus,
  type DeviceErrorEvent,
} from '../hal';
import { CcTalkDriver, CcTalkOptionsSchema } from '../drivers/bill/cctalk-driver';
import { Id003Driver, Id003OptionsSchema } from '../drivers/bill/id003-driver';
import { SimBinding, type SimWire } from './binding';
import { BillAcceptorEmulator, type BillValidatorEmulator } from './bill-emulator';
import { CcTalkBillValidatorEmulator } from './cctalk-emulator';
import { MemoryBillJournal, nextEvent, TEST_TIMINGS } from './testing';

/**
 * The cash flow every acceptor must give the kiosk, run against each protocol's emulator over
 * serial bytes. Where the protocols differ (who holds a bill while its credit is written, what
 * survives a power cut) the difference is a named property of the protocol, not a second test.
 */
interface Protocol {
  name: string;
  driver(binding: SimBinding, journal: BillJournal, replyTimeoutMs: number): BillAcceptorDriver;
  emulator(wire: SimWire): BillValidatorEmulator;
  /** The emulator's phase while the credit is written: ID-003 holds the bill at vend valid
   * until the ACK; a ccTalk bill is already in the cashbox, its event kept in the buffer. */
  phaseAtCredit: string;
  /** The bill moves into the cassette only after the credit (the ID-003 ACK). */
  stacksAfterCredit: boolean;
  /** A power cut mid-stack: ID-003 reports the bill in the stacker at power-up; a ccTalk
   * validator forgets its events, so the bill is left to the cash count. */
  powerCutMidStack: 'credited' | 'uncertain';
  /** A reply-shaped frame with a bad check value. */
  corruptFrame: Uint8Array;
}

// a generous answer bound so a busy machine never fails a test; only the no-answer test
// shortens it, where timing out is the point
const PROTOCOLS: Protocol[] = [
  {
    name: 'JCM ID-003',
    driver: (binding, journal, replyTimeoutMs) =>
      new Id003Driver(
        'cash',
        { path: 'cash', baudRate: 9600, binding, parity: 'even' },
        Id003OptionsSchema.parse({ pollMs: 20, replyTimeoutMs, missedPolls: 3 }),
        journal,
      ),
    emulator: (wire) => new BillAcceptorEmulator(wire, undefined, 30),
    phaseAtCredit: 'vend_valid',
    stacksAfterCredit: true,
    powerCutMidStack: 'credited',
    corruptFrame: Uint8Array.of(0xfc, 0x06, 0x13, 0x65, 0x94, 0xbe, 0x00, 0x17),
  },
  {
    name: 'ccTalk',
    driver: (binding, journal, replyTimeoutMs) =>
      new CcTalkDriver(
        'cash',
        { path: 'cash', baudRate: 9600, binding, parity: 'none' },
        CcTalkOptionsSchema.parse({ pollMs: 20, replyTimeoutMs, missedPolls: 3 }),
        journal,
      ),
    emulator: (wire) => new CcTalkBillValidatorEmulator(wire, { stepMs: 30 }),
    phaseAtCredit: 'idle',
    stacksAfterCredit: false,
    powerCutMidStack: 'uncertain',
    corruptFrame: Uint8Array.of(0x01, 0x00, 0x28, 0x00, 0xd8, 0x07, 0x01),
  },
];

const devices: BillAcceptor[] = [];

/** An acceptor on `binding` with `journal`; a second one on the same wire is the app restarted. */
async function connect(
  protocol: Protocol,
  binding: SimBinding,
  journal: MemoryBillJournal,
  replyTimeoutMs = 2000,
) {
  const driver = protocol.driver(binding, journal, replyTimeoutMs);
  const acceptor = new BillAcceptor('cash', driver, { timings: TEST_TIMINGS });
  devices.push(acceptor);
  await acceptor.open();
  await acceptor.claim();
  return acceptor;
}

async function rig(protocol: Protocol, journal = new MemoryBillJournal(), replyTimeoutMs?: number) {
  const binding = new SimBinding();
  const wire = binding.wire('cash');
  const emulator = protocol.emulator(wire);
  const acceptor = await connect(protocol, binding, journal, replyTimeoutMs);
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

describe.each(PROTOCOLS)('$name bill acceptor over the simulated wire', (protocol) => {
  it('reads the currency assignment and starts inhibited', async () => {
    const { acceptor, emulator } = await rig(protocol);
    expect(acceptor.capabilities.denominations.map((d) => d.cents)).toEqual([
      100, 500, 1000, 2000, 5000, 10000,
    ]);
    expect(acceptor.billState).toBe('disabled');
    expect(emulator.insertBill(2000)).toBe(false);
  });

  it('escrow -> stack: journals the bill at escrow, credits it before the ACK', async () => {
    const { acceptor, emulator, journal } = await rig(protocol);
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
    expect(emulatorPhaseAtCredit).toBe(protocol.phaseAtCredit);
    expect(emulator.cassette).toEqual([2000]);
  });

  it('escrow -> return gives the bill back and credits nothing', async () => {
    const { acceptor, emulator, journal } = await rig(protocol);
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
    const { acceptor, emulator } = await rig(protocol);
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

  it('refuses stack and return with no bill in escrow: nothing journaled, the next bill taken', async () => {
    const { acceptor, emulator, journal } = await rig(protocol);
    await acceptor.enable();
    await untilState(acceptor, 'idle');
    await expect(acceptor.acceptEscrow()).rejects.toMatchObject({ code: 'illegal' });
    await expect(acceptor.returnEscrow()).rejects.toMatchObject({ code: 'illegal' });
    expect(journal.bills.size).toBe(0);
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    expect(emulator.insertBill(1000)).toBe(true);
    await escrow;
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    await acceptor.acceptEscrow();
    expect((await stacked).at(-1)).toMatchObject({ credit: { cents: 1000 } });
    expect(emulator.cassette).toEqual([1000]);
  });

  it('a device silent at start: the connect fails and the port is released', async () => {
    const binding = new SimBinding();
    const wire = binding.wire('cash');
    const emulator = protocol.emulator(wire);
    emulator.faults.noAnswer = true;
    const driver = protocol.driver(binding, new MemoryBillJournal(), 150);
    // no reconnect attempt within the test: the port state seen is the failed start's
    const timings = { ...TEST_TIMINGS, reconnectBaseMs: 600_000, reconnectMaxMs: 600_000 };
    const acceptor = new BillAcceptor('cash', driver, { timings });
    devices.push(acceptor);
    await acceptor.open();
    const unreachable = nextEvent<string>(acceptor, 'unreachable');
    await acceptor.claim();
    expect(await unreachable).toMatch(/no answer/);
    expect(wire.isConnected).toBe(false);
    expect(acceptor.billState).toBe('disabled');
  });

  it('never lets a bill go uncredited: a credit not recorded is retried with the same id', async () => {
    const { acceptor, emulator, journal } = await rig(protocol);
    journal.failCredits = true;
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(1000);
    await escrow;
    const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    await acceptor.acceptEscrow();
    expect((await failure).error.extendedCode).toBe('credit_not_recorded');
    expect(emulator.phaseName).toBe(protocol.phaseAtCredit);
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    journal.failCredits = false;
    await stacked;
    expect(new Set(journal.creditAttempts).size).toBe(1);
    expect(journal.creditAttempts.length).toBeGreaterThan(1);
    expect(emulator.cassette).toEqual([1000]);
  });

  it('reports a jam and a full cassette as status and error events', async () => {
    const { acceptor, emulator } = await rig(protocol);
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
    const { acceptor, emulator } = await rig(protocol, undefined, 150);
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
    const { acceptor, emulator, journal, binding } = await rig(protocol);
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(2000);
    await escrow;
    journal.failCredits = true; // the app dies before the credit is written
    const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    await acceptor.acceptEscrow();
    await failure;
    await acceptor.close();
    expect(emulator.phaseName).toBe(protocol.phaseAtCredit);

    journal.failCredits = false;
    const credited = nextEvent<BillCredit>(journal, 'credited');
    const restarted = await connect(protocol, binding, journal);
    const settled = protocol.stacksAfterCredit
      ? untilState(restarted, { next: true }, 'stacked', 'disabled')
      : Promise.resolve();
    const credit = await credited;
    const [bill] = journal.bills.values();
    expect(credit).toEqual({
      creditId: bill!.billId,
      device: 'cash',
      cents: 2000,
      currency: 'USD',
    });
    expect(journal.creditedCents()).toBe(2000);
    await settled; // (ID-003) the ACK went out: the acceptor moved the bill into the cassette
    expect(emulator.cassette).toEqual([2000]);
    expect(journal.credits.size).toBe(1);
  });

  it('a power cut mid-stack: credited once if the acceptor says so, else left to the cash count', async () => {
    const { acceptor, emulator, journal } = await rig(protocol);
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(1000);
    await escrow;
    journal.failCredits = true;
    const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    await acceptor.acceptEscrow();
    await failure;
    const settled = until(acceptor, (event) => ['stacked', 'uncertain'].includes(event.kind));
    const reconciliation = new Promise<BillStatus>((resolve) =>
      acceptor.on('status', (status) => status.reconciliation && resolve(status)),
    );
    emulator.powerCycle();
    journal.failCredits = false;
    const outcome = (await settled).at(-1);
    expect((await reconciliation).reconciliation).toBe(true);
    expect(emulator.cassette).toEqual([1000]);
    if (protocol.powerCutMidStack === 'credited') {
      expect(outcome).toMatchObject({ kind: 'stacked', recovered: true, credit: { cents: 1000 } });
      expect(journal.creditedCents()).toBe(1000);
    } else {
      // the bill is in the cassette but nothing on the wire says so: counted, never guessed
      expect(outcome).toEqual({ kind: 'uncertain', cents: 1000 });
      expect(journal.creditedCents()).toBe(0);
      expect([...journal.bills.values()]).toMatchObject([{ state: 'uncertain' }]);
    }
  });

  it('escrow survives an unplug and replug: the bill is offered again and can be stacked', async () => {
    const { acceptor, emulator, wire, journal } = await rig(protocol);
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
    const { acceptor, emulator, journal } = await rig(protocol);
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

  it('survives garbage, check-value errors and 1-byte fragments on the line', async () => {
    const { acceptor, emulator, wire } = await rig(protocol);
    await acceptor.enable();
    wire.send(protocol.corruptFrame);
    wire.profile = { fragmentSize: 1 };
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(5000);
    await escrow;
    await acceptor.acceptEscrow();
    expect((await stacked).at(-1)).toMatchObject({ credit: { cents: 5000 } });
  });
});
