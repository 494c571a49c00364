import { withActionKey } from '../../../electron/backend/testing/action-key';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  createBackend,
  systemClock,
  type Backend,
  type Connection,
} from '../../../electron/backend';
import { createDeviceService } from '../../../electron/backend/devices';
import { openStore, type Store } from '../../../electron/backend/store';
import { TEST_STORE_KEY } from '../../../electron/backend/testing/store-key';
import { createSimulatedKiosk, type SimulatedKiosk } from '../../../hardware/simulators/kiosk';
import {
  createBackendSync,
  enrollWithCode,
  type BackendSync,
} from '../../../electron/backend/sync';
import type { SyncStatus } from '../../../electron/contract';
import { createBackoff } from '../../../sync/client';

const APP_VERSION = '1.0.0';

function localContactId(store: Store, customerId: string): string | undefined {
  return store.db
    .prepare<[string], { id: string }>('SELECT id FROM contacts WHERE customer_id = ?')
    .get(customerId)?.id;
}

export interface SeenEvent {
  event: string;
  payload: unknown;
}

export interface DeviceOptions {
  /** Where the device syncs (e.g. through the fault proxy); default the enrollment address. */
  syncUrl?: string;
  /** The device's clock (tests set it far off the server's). */
  now?: () => Date;
  timeoutMs?: number;
  pushBatchSize?: number;
  pullLimit?: number;
  profile?: 'kiosk' | 'lobby' | 'tablet';
  /** The tablet's serial (shell configuration); picks its resident on the server. */
  serial?: string;
  /** Simulated kiosk hardware (card reader, bill acceptor, printer, badge scanner). */
  hardware?: boolean;
  /** The card processor the simulated reader tokenizes at. */
  processor?: { url: string; publishableKey: string };
  /** Sync on a timer of `intervalMs` (and when poked) instead of only on syncNow. */
  timer?: { intervalMs: number };
}

/**
 * A whole device for sync tests: the real backend (`createBackend`) on its own SQLite file in a
 * temp folder, enrolled with a real code, syncing through the backend sync connector over real
 * HTTP, and one open connection (like a window) that records every event. Retries are fast so
 * fault tests finish quickly; unless `timer` is given there is no timer: tests drive sync with
 * syncNow.
 */
export class SyncedDevice {
  private constructor(
    readonly backend: Backend,
    readonly sync: BackendSync,
    readonly window: Connection,
    readonly events: SeenEvent[],
    /** The device's data folder (its database and journals). */
    readonly dir: string,
    readonly simulator: SimulatedKiosk | null,
  ) {}

  get store(): Store {
    return this.backend.store;
  }

  /** The id the central service issued at enrollment. */
  get deviceId(): string {
    const row = this.store.db
      .prepare<[], { id: string }>('SELECT device_id AS id FROM sync_credentials')
      .get();
    if (!row) throw new Error('not enrolled');
    return row.id;
  }

  /** Logs a resident in on this device's window (DOC number + PIN, as at a kiosk). */
  login(docNumber: string, pin = '1234') {
    return this.call('auth.login', { method: 'doc', state: 'FL', docNumber, pin });
  }

  /** Writes and sends an email to the contact for `customerId` as the logged-in resident. */
  async sendMail(customerId: string, body = 'Hello from the kiosk'): Promise<string> {
    const { contacts } = await this.call<{ contacts: { id: string; displayName: string }[] }>(
      'mail.contacts',
    );
    const contactId = contacts.find(
      (contact) => contact.id === localContactId(this.store, customerId),
    )?.id;
    if (!contactId) throw new Error(`no contact for customer ${customerId}`);
    const { draftId } = await this.call<{ draftId: string }>('mail.saveDraft', {
      contactId,
      subject: 'Hi',
      body,
    });
    await this.call('mail.send', { draftId });
    return draftId;
  }

  static async enroll(
    serverUrl: string,
    enrollment: { code: string; facilityId: string },
    options: DeviceOptions = {},
  ): Promise<SyncedDevice> {
    const dir = mkdtempSync(join(tmpdir(), 'homeline-device-'));
    const dbPath = join(dir, 'device.db');
    const now = options.now ?? (() => new Date());
    const enrolling = openStore(dbPath, TEST_STORE_KEY);
    try {
      // What createBackend does with the shell's serial, before the shell's enrollment.
      if (options.serial) {
        enrolling.identity.saveDevice({
          deviceId: randomUUID(),
          profile: 'tablet',
          facilityId: enrollment.facilityId,
          serial: options.serial,
          maintenancePinHash: null,
          createdAt: now().toISOString(),
        });
      }
      await enrollWithCode(enrolling, {
        serverUrl,
        code: enrollment.code,
        appVersion: APP_VERSION,
        now: () => now().toISOString(),
      });
    } finally {
      enrolling.close();
    }
    let sync: BackendSync | undefined;
    const kiosk = options.hardware
      ? createSimulatedKiosk({ pace: 'fast', processor: options.processor })
      : null;
    const backend = await createBackend({
      ...(kiosk && {
        devices: (onEvent) =>
          createDeviceService({
            config: kiosk.config,
            logger: pino({ level: 'silent' }),
            onEvent,
            creditJournalPath: join(dir, 'bill-credits.db'),
            simulatedBinding: kiosk.binding,
          }),
      }),
      dbPath,
      storeKey: TEST_STORE_KEY,
      profile: options.profile ?? 'kiosk',
      facilityId: enrollment.facilityId,
      serial: options.serial,
      appVersion: APP_VERSION,
      logger: pino({ level: 'silent' }),
      clock: { now: () => now().getTime(), setTimer: systemClock.setTimer },
      syncClient: (deps) => {
        sync = createBackendSync({
          appVersion: APP_VERSION,
          serverUrl: options.syncUrl ?? serverUrl,
          autoStart: options.timer !== undefined,
          intervalMs: options.timer?.intervalMs,
          backoff: createBackoff({ baseMs: 10, maxMs: 100 }),
          timeoutMs: options.timeoutMs ?? 5_000,
          pushBatchSize: options.pushBatchSize,
          pullLimit: options.pullLimit,
          now,
        })(deps);
        return sync;
      },
    });
    const events: SeenEvent[] = [];
    const window = backend.connect((event, payload) => void events.push({ event, payload }));
    return new SyncedDevice(backend, sync!, window, events, dir, kiosk);
  }

  /** Calls a contract method as the renderer would; throws on a failed call. */
  async call<T = unknown>(method: string, input: unknown = {}): Promise<T> {
    const result = await this.window.invoke(method, withActionKey(method, input));
    if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  }

  /** Calls a contract method that must fail; answers its typed error. */
  async failure(method: string, input: unknown = {}) {
    const result = await this.window.invoke(method, withActionKey(method, input));
    if (result.ok) throw new Error(`${method} succeeded`);
    return result.error;
  }

  /** Feeds bills into the simulated acceptor in one cash session; returns the ended session. */
  async insertCash(bills: number[]): Promise<{ cashSessionId: string; insertedCents: number }> {
    const { cashSessionId } = await this.call<{ cashSessionId: string }>('payment.cashStart');
    for (const cents of bills) {
      const seen = this.events.length;
      await this.feedBill(cents);
      await this.nextBillEvent(seen, 'escrow');
      const accepted = this.events.length;
      await this.call('payment.cashEscrow', { cashSessionId, action: 'accept' });
      await this.nextBillEvent(accepted, 'stacked');
    }
    return this.call('payment.cashEnd', { cashSessionId });
  }

  /** Starts a card read, swipes `swipe` on the simulated reader, returns the reader's card. */
  async swipeCard(swipe: Parameters<SimulatedKiosk['controls']['swipe']>[0]): Promise<unknown> {
    await this.call('payment.cardStart');
    const seen = this.events.length;
    this.simulator?.controls.swipe(swipe);
    return (await this.nextEvent(seen, (e) => e.event === 'hardware.cardRead')).payload;
  }

  /** The acceptor takes a bill once its enable command has crossed the wire: poll, bounded. */
  private async feedBill(cents: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!this.simulator?.controls.insertBill(cents)) {
      if (Date.now() > deadline) throw new Error(`bill of ${cents} cents not taken`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async nextBillEvent(after: number, name: string): Promise<void> {
    await this.nextEvent(
      after,
      (e) => e.event === 'hardware.bill' && (e.payload as { event?: string }).event === name,
    );
  }

  private async nextEvent(after: number, match: (e: SeenEvent) => boolean): Promise<SeenEvent> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.events.slice(after).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('the awaited hardware event never came');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Syncs until the outbox is empty after a successful sync, or gives up after `attempts`. */
  async syncUntilSettled(attempts = 100): Promise<SyncStatus> {
    for (let i = 0; i < attempts; i += 1) {
      const status = await this.sync.syncNow();
      if (status.state === 'idle' && status.pendingMutations === 0) return status;
    }
    return this.sync.status();
  }

  async close(): Promise<void> {
    this.window.close();
    await this.backend.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
