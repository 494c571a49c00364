import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { FacilityConfigSchema, type FacilityConfig } from '../../domain/facility';
import { UNLOCKED } from '../../domain/lockout';
import { DEVICE_PROFILES } from '../../domain/types';
import type { EventName, EventPayload } from '../contract';
import { countingPrints, type DeviceActivity } from './activity';
import { isoAt, systemClock, type Clock } from './clock';
import { createCardReads } from './card-reads';
import { createCashPurposes, DEFAULT_CASH_IDLE_SECONDS } from './cash-purposes';
import { createConnection, type Connection, type EmitFn, type LiveConnection } from './connection';
import type { BackendCore } from './context';
import { hardwareEventSink } from './hardware-events';
import { createPaymentOwners } from './payment-owners';
import type { Broadcast, DeviceService, SyncClient, SyncClientDeps, TellResident } from './ports';
import { handlers } from './services';
import { ENCODED_PIN_HASH } from './services/pin-hash';
import { settleCash, settlementContext } from './services/cash-settlement';
import { queueOrphanCash } from './services/cash-journal';
import { openStore, type Store, type StoreKeySource } from './store';
import { prepareDataDir } from './store/data-dir';

const BACKEND_DB_FILE = 'homeline.db';
/** Until the device has its facility's configuration (FacilityConfig's own default). */
const DEFAULT_KIOSK_IDLE_MINUTES = 3;

const BackendOptionsSchema = z
  .object({
    dataDir: z.string().min(1).optional(),
    dbPath: z.string().min(1).optional(),
    profile: z.enum(DEVICE_PROFILES),
    facilityId: z.string().min(1).max(64),
    /** Overrides the facility's kioskIdleMinutes (tablets never idle out). */
    idleMinutes: z.number().int().min(1).max(60).optional(),
    appVersion: z.string().min(1).default('0.0.0'),
    /** A tablet's serial (shell configuration): the central service assigns its resident by it. */
    serial: z.string().trim().min(1).max(64).optional(),
    /** The provider's warehouse, where released tablets are mailed (printed on the release form). */
    warehouseAddress: z.string().trim().min(1).max(500).optional(),
    /** The Service screen's PIN as facility IT configured it (`salt:hash`, never the PIN). */
    maintenancePinHash: z
      .string()
      .regex(ENCODED_PIN_HASH, 'the salt:hash line `npm run service-pin` prints')
      .optional(),
    /** Seconds a cash session waits for the next bill or the finish before its cash is booked. */
    cashIdleSeconds: z.number().int().min(10).max(600).default(DEFAULT_CASH_IDLE_SECONDS),
  })
  .refine((options) => options.dataDir !== undefined || options.dbPath !== undefined, {
    message: 'give dataDir or dbPath',
  });

export interface BackendConfig extends z.input<typeof BackendOptionsSchema> {
  logger: Logger;
  /** Where the store's encryption key lives (never beside the database: store/keys.ts). */
  storeKey: StoreKeySource;
  clock?: Clock;
  /** Builds the hardware service; its events reach the connections `hardware-events.ts` picks. */
  devices?: (onEvent: Broadcast) => DeviceService;
  /** Builds the sync client over the store. */
  syncClient?: (deps: SyncClientDeps) => SyncClient;
}

export interface Backend {
  /** One connection per window or WebSocket, with its own session. */
  connect(emit: EmitFn): Connection;
  /** Pushes an event to every open connection. */
  broadcast: Broadcast;
  /** What the device is doing now, for the shell's update install gate. */
  activity(): Promise<DeviceActivity>;
  store: Store;
  close(): Promise<void>;
}

/** A clear, typed refusal of a bad backend configuration. */
export class BackendConfigError extends Error {
  constructor(message: string) {
    super(`Invalid backend configuration: ${message}`);
    this.name = 'BackendConfigError';
  }
}

/** Keeps the parsed facility config until its stored version changes. */
function facilityReader(store: Store, facilityId: string, logger: Logger) {
  let cached: { key: string; config: FacilityConfig | null } | null = null;
  return (): FacilityConfig | null => {
    const row = store.identity.facility(facilityId);
    if (!row) return null;
    const key = `${row.version}@${row.updatedAt}`;
    if (cached?.key !== key) {
      const parsed = FacilityConfigSchema.safeParse(row.config);
      if (!parsed.success)
        logger.error({ issues: parsed.error.issues }, 'stored facility config is invalid');
      cached = { key, config: parsed.success ? parsed.data : null };
    }
    return cached.config;
  };
}

/**
 * Opens the local store, wires the services and returns a transport-agnostic backend: Electron
 * IPC and the harness WebSocket both call `connect` and pass frames to `invoke`.
 */
export async function createBackend(config: BackendConfig): Promise<Backend> {
  const parsed = BackendOptionsSchema.safeParse(config);
  if (!parsed.success) throw new BackendConfigError(z.prettifyError(parsed.error));
  const options = parsed.data;
  const clock = config.clock ?? systemClock;
  const logger = config.logger;
  const dbPath = options.dbPath ?? join(options.dataDir!, BACKEND_DB_FILE);
  prepareDataDir(dirname(dbPath));
  const store = openStore(dbPath, config.storeKey);
  logger.info({ keySource: config.storeKey.description }, 'local store opened encrypted');

  const identity = store.identity.device();
  if (!identity) {
    store.identity.saveDevice({
      deviceId: randomUUID(),
      profile: options.profile,
      facilityId: options.facilityId,
      serial: options.serial ?? null,
      maintenancePinHash: null,
      createdAt: isoAt(clock),
    });
  } else if (options.serial !== undefined && identity.serial !== options.serial) {
    store.identity.saveDevice({ ...identity, serial: options.serial });
  }
  // The configured Service PIN wins over any earlier one (facility IT changes it there).
  const device = store.identity.device()!;
  if (options.maintenancePinHash && device.maintenancePinHash !== options.maintenancePinHash)
    store.identity.saveDevice({ ...device, maintenancePinHash: options.maintenancePinHash });

  const connections = new Map<string, LiveConnection>();
  const broadcast: Broadcast = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const connection of connections.values()) connection.emitEvent(event, payload);
  };
  const tellResident: TellResident = (residentId, exceptConnectionId, event, payload) => {
    for (const connection of connections.values()) {
      if (connection.id !== exceptConnectionId && connection.residentId() === residentId) {
        connection.emitEvent(event, payload);
      }
    }
  };
  const facility = facilityReader(store, options.facilityId, logger);
  /** Cash left behind is booked for its purpose; the screen that opened the session is told. */
  function settleLeftCash(cashSessionId: string, ended: 'timed_out' | 'closed'): void {
    const owner = core.payments.cashOwner(cashSessionId);
    settleCash(settlementContext(core), cashSessionId, ended).then(
      (settlement) => {
        const connection = owner ? connections.get(owner) : undefined;
        connection?.emitEvent('payment.cashSettled', settlement);
      },
      (error: unknown) =>
        logger.error({ err: error, cashSessionId, ended }, 'cash left behind was not booked'),
    );
  }
  const core: BackendCore = {
    store,
    profile: options.profile,
    facilityId: options.facilityId,
    appVersion: options.appVersion,
    // Tablets are personal: no idle logout. Kiosks take the override, else the facility's value.
    idleMinutes: () =>
      options.profile === 'tablet'
        ? null
        : (options.idleMinutes ?? facility()?.kioskIdleMinutes ?? DEFAULT_KIOSK_IDLE_MINUTES),
    clock,
    logger,
    devices: null,
    sync: null,
    broadcast,
    tellResident,
    maintenanceLockout: UNLOCKED,
    cardReads: createCardReads(),
    warehouseAddress: options.warehouseAddress ?? null,
    payments: createPaymentOwners(),
    cashPurposes: createCashPurposes(
      clock,
      options.cashIdleSeconds * 1000,
      store.cashPurposes,
      (cashSessionId) => settleLeftCash(cashSessionId, 'timed_out'),
    ),
    facility,
  };
  let prints: ReturnType<typeof countingPrints> | null = null;
  try {
    const devices = config.devices?.(hardwareEventSink(core, connections));
    prints = devices ? countingPrints(devices) : null;
    core.devices = prints?.service ?? null;
    core.sync = config.syncClient?.({ store, broadcast }) ?? null;
    // One place for every service: a committed outbox write asks for a push at once.
    store.onOutboxCommitted(() => core.sync?.poke());
  } catch (error) {
    await core.devices?.close();
    store.close();
    throw error;
  }

  // Cash sessions open when the app last stopped: their bills (the journal kept them, and a
  // bill caught mid-stack is credited as the acceptor comes back) still pay for their purpose,
  // booked once the walk-away time has passed with no one at the screen.
  if (core.devices) {
    // bills credited outside any session, before this start or from now on, reach the journal
    core.devices.onOrphanCash(() => queueOrphanCash(core));
    queueOrphanCash(core);
    const restored = core.cashPurposes.restore();
    if (restored.length > 0)
      logger.warn({ cashSessionIds: restored }, 'cash sessions from before a restart held again');
  }

  /** A window that goes away stops the card read and the cash sessions it started. */
  function releasePayments(connectionId: string): void {
    const held = core.payments.heldBy(connectionId);
    const devices = core.devices;
    if (held.card) {
      core.payments.endCard();
      devices?.cancelCardRead().catch((error: unknown) => {
        logger.warn({ err: error }, 'card reader not stopped after its window closed');
      });
    }
    for (const cashSessionId of held.cashSessionIds) {
      if (core.cashPurposes.has(cashSessionId)) {
        settleLeftCash(cashSessionId, 'closed');
        continue;
      }
      core.payments.endCash(cashSessionId);
      devices?.endCash(cashSessionId).then(
        (session) =>
          logger.warn(
            { cashSessionId, insertedCents: session.insertedCents },
            'cash session ended because its window closed',
          ),
        (error: unknown) =>
          logger.error({ err: error, cashSessionId }, 'cash session not ended after close'),
      );
    }
  }

  let closed = false;
  return {
    store,
    broadcast,
    async activity() {
      const outbox = store.outbox.counts();
      return {
        sessionOpen: [...connections.values()].some((connection) => connection.sessionOpen()),
        paymentInProgress: core.payments.inProgress(),
        printInProgress: prints?.printing() ?? false,
        outboxPending: outbox.pending + outbox.sent,
      };
    },
    connect(emit) {
      if (closed) throw new Error('the backend is closed');
      const connection = createConnection(core, emit, handlers);
      connections.set(connection.id, connection);
      return {
        invoke: (method, input) => connection.invoke(method, input),
        close() {
          connection.close();
          connections.delete(connection.id);
          releasePayments(connection.id);
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const connection of connections.values()) connection.close();
      connections.clear();
      core.cashPurposes.clear();
      await core.sync?.close();
      await core.devices?.close();
      store.close();
    },
  };
}
