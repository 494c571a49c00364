import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { BillCredit, BillJournal, JournaledBill } from '../hal';

/**
 * Waits for the next `name` event, failing after `ms` instead of hanging a test run. Used by the
 * simulator-backed tests of every device.
 */
export async function nextEvent<T = unknown>(
  emitter: EventEmitter,
  name: string,
  ms = 15_000,
): Promise<T> {
  const [value] = await once(emitter, name, { signal: AbortSignal.timeout(ms) });
  return value as T;
}

/** Waits for the next `name` event that `matches`, failing after `ms`. */
export function nextWhere<T>(
  emitter: EventEmitter,
  name: string,
  matches: (value: T) => boolean,
  ms = 15_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, listener);
      reject(new Error(`no matching ${name} event within ${ms} ms`));
    }, ms);
    const listener = (value: T) => {
      if (!matches(value)) return;
      clearTimeout(timer);
      emitter.off(name, listener);
      resolve(value);
    };
    emitter.on(name, listener);
  });
}

/** Resolves true when no `name` event comes within `ms` (for "nothing happened" checks). */
export async function noEvent(emitter: EventEmitter, name: string, ms = 200): Promise<boolean> {
  try {
    await once(emitter, name, { signal: AbortSignal.timeout(ms) });
    return false;
  } catch {
    return true;
  }
}

/**
 * Fast backoff for tests, so unplug/replug resolves quickly; a command bound no busy machine
 * reaches (tests wait for events, never for time).
 */
export const TEST_TIMINGS = { commandTimeoutMs: 20_000, reconnectBaseMs: 20, reconnectMaxMs: 100 };

type BillRow = Omit<JournaledBill, 'state'> & {
  state: JournaledBill['state'] | 'credited' | 'returned' | 'uncertain';
};

/**
 * The bill journal's semantics in memory, for the HAL and simulator tests (the device service
 * keeps the same journal in SQLite). `failNext` makes the next credit fail, as a busy disk would.
 */
export class MemoryBillJournal
  extends EventEmitter<{ credited: [BillCredit] }>
  implements BillJournal
{
  readonly bills = new Map<string, BillRow>();
  readonly credits = new Map<string, BillCredit>();
  creditAttempts: string[] = [];
  failCredits = false;

  async escrow(bill: { device: string; cents: number; currency: string }): Promise<string> {
    const billId = `${bill.device}:${randomUUID()}`;
    this.bills.set(billId, { billId, ...bill, state: 'escrow' });
    return billId;
  }

  async stacking(billId: string): Promise<void> {
    this.row(billId).state = 'stacking';
  }

  async credit(billId: string): Promise<BillCredit> {
    this.creditAttempts.push(billId);
    if (this.failCredits) throw new Error('disk busy');
    const row = this.row(billId);
    const credit = this.credits.get(billId) ?? {
      creditId: billId,
      device: row.device,
      cents: row.cents,
      currency: row.currency,
    };
    const fresh = !this.credits.has(billId);
    this.credits.set(billId, credit);
    row.state = 'credited';
    if (fresh) this.emit('credited', credit);
    return credit;
  }

  async settle(billId: string, outcome: 'returned' | 'uncertain'): Promise<void> {
    this.row(billId).state = outcome;
  }

  async open(device: string): Promise<JournaledBill | null> {
    for (const row of this.bills.values()) {
      if (row.device === device && (row.state === 'escrow' || row.state === 'stacking')) {
        return { ...row, state: row.state };
      }
    }
    return null;
  }

  /** Total credited, the figure a restart must keep. */
  creditedCents(): number {
    return [...this.credits.values()].reduce((sum, credit) => sum + credit.cents, 0);
  }

  private row(billId: string): BillRow {
    const row = this.bills.get(billId);
    if (!row) throw new Error(`unknown bill ${billId}`);
    return row;
  }
}
