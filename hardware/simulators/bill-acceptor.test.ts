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
import { nextEvent, TEST_TIMINGS } from './testing';

const devices: BillAcceptor[] = [];

async function rig(recordCredit: (credit: BillCredit) => Promise<void> = async () => undefined) {
  const binding = new SimBinding();
  const wire = binding.wire('cash');
  const emulator = new BillAcceptorEmulator(wire, undefined, 30);
  const driver = new Id003Driver(
    'cash',
    { path: 'cash', baudRate: 9600, binding, parity: 'even' },
    Id003OptionsSchema.parse({ pollMs: 20, replyTimeoutMs: 100, missedPolls: 3 }),
    recordCredit,
  );
  const acceptor = new BillAcceptor('cash', driver, { timings: TEST_TIMINGS });
  devices.push(acceptor);
  await acceptor.open();
  await acceptor.claim();
  return { acceptor, emulator, wire };
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

  it('escrow -> stack: records the credit before the ACK, then reports stacked', async () => {
    const recorded: BillCredit[] = [];
    let emulatorPhaseAtRecord = '';
    const { acceptor, emulator } = await rig(async (credit) => {
      emulatorPhaseAtRecord = emulator.phaseName;
      recorded.push(credit);
    });
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    expect(emulator.insertBill(2000)).toBe(true);
    expect((await escrow).at(-1)).toEqual({ kind: 'escrow', cents: 2000, currency: 'USD' });
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    await acceptor.acceptEscrow();
    const last = (await stacked).at(-1);
    expect(last).toMatchObject({
      kind: 'stacked',
      credit: { cents: 2000, device: 'cash', sequence: 1 },
    });
    expect(recorded).toHaveLength(1);
    expect(emulatorPhaseAtRecord).toBe('vend_valid');
    expect(emulator.cassette).toEqual([2000]);
  });

  it('escrow -> return gives the bill back and credits nothing', async () => {
    const recorded: BillCredit[] = [];
    const { acceptor, emulator } = await rig(async (credit) => void recorded.push(credit));
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(500);
    await escrow;
    const returned = until(acceptor, (event) => event.kind === 'returned');
    await acceptor.returnEscrow();
    expect((await returned).at(-1)).toEqual({ kind: 'returned', cents: 500 });
    expect(recorded).toHaveLength(0);
    expect(emulator.cassette).toEqual([]);
  });

  it('rejects inhibited denominations and unknown bills', async () => {
    const { acceptor, emulator } = await rig();
    await acceptor.enable();
    await acceptor.setAcceptedDenominations([100, 500]);
    const rejected = until(acceptor, (event) => event.kind === 'rejected');
    emulator.insertBill(2000);
    expect((await rejected).at(-1)).toMatchObject({ kind: 'rejected' });
    await expect(acceptor.setAcceptedDenominations([300])).rejects.toMatchObject({
      code: 'illegal',
    });
    const again = until(acceptor, (event) => event.kind === 'rejected');
    await new Promise((resolve) => setTimeout(resolve, 80));
    emulator.insertBill(200);
    expect((await again).at(-1)).toMatchObject({ kind: 'rejected' });
  });

  it('does not ACK until the credit is recorded; the retry reuses the same credit id', async () => {
    const attempts: string[] = [];
    let fail = true;
    const { acceptor, emulator } = await rig(async (credit) => {
      attempts.push(credit.creditId);
      if (fail) throw new Error('disk busy');
    });
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(1000);
    await escrow;
    const failure = nextEvent<DeviceErrorEvent>(acceptor, 'deviceError');
    await acceptor.acceptEscrow();
    expect((await failure).error.extendedCode).toBe('credit_not_recorded');
    expect(emulator.phaseName).toBe('vend_valid');
    const stacked = until(acceptor, (event) => event.kind === 'stacked');
    fail = false;
    await stacked;
    expect(new Set(attempts).size).toBe(1);
    expect(attempts.length).toBeGreaterThan(1);
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
    const { acceptor, emulator } = await rig();
    await acceptor.enable();
    const offline = nextEvent(acceptor, 'power');
    emulator.faults.noAnswer = true;
    expect(await offline).toBe('offline');
    const online = nextEvent(acceptor, 'power');
    emulator.faults.noAnswer = false;
    expect(await online).toBe('online');
    // reconnect re-enables input: bills are accepted again
    await new Promise((resolve) => setTimeout(resolve, 100));
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    expect(emulator.insertBill(100)).toBe(true);
    await escrow;
  });

  it('flags reconciliation after a power cut mid-vend', async () => {
    let hold = true;
    const { acceptor, emulator } = await rig(async () => {
      if (hold) throw new Error('not yet');
    });
    await acceptor.enable();
    const escrow = until(acceptor, (event) => event.kind === 'escrow');
    emulator.insertBill(100);
    await escrow;
    await acceptor.acceptEscrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reconciliation = new Promise<BillStatus>((resolve) =>
      acceptor.on('status', (status) => status.reconciliation && resolve(status)),
    );
    emulator.powerCycle();
    hold = false;
    expect((await reconciliation).reconciliation).toBe(true);
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
