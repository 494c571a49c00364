import { randomUUID } from 'node:crypto';
import type { BindingInterface } from '@serialport/bindings-interface' with {
  'resolution-mode': 'require',
};
import type { Logger } from 'pino';
import { standardDrivers } from '../../../hardware/drivers';
import {
  DeviceError,
  DeviceManager,
  cardReadFailure,
  type AnyDevice,
  type BillEvent,
  type BillJournal,
  type BillRefusal,
  type BillStatus,
  type DeviceErrorEvent,
  type PrinterStatus,
  type ReceiptPrinter,
} from '../../../hardware/hal';
import {
  badgeToken,
  type CashSession,
  type DeviceHealth,
  type EventName,
  type EventPayload,
  type PrintJob,
} from '../../contract';
import type { DeviceService, PrintRequest } from '../ports';
import { CreditJournal } from './credit-journal';

/** Receives every hardware event in the contract's shape; the backend routes each (hardware-events.ts). */
type DeviceEventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface DeviceServiceOptions {
  /** The device configuration (validated here: a bad one throws DeviceConfigError). */
  config: unknown;
  logger: Logger;
  onEvent: DeviceEventSink;
  /** SQLite file where bill credits are written before the acceptor is acknowledged. */
  creditJournalPath: string;
  /** Binding for `simulated` ports (createSimulatedKiosk().binding). */
  simulatedBinding?: BindingInterface;
}

const KIND: Record<AnyDevice['deviceClass'], DeviceHealth['kind']> = {
  CardReader: 'card_reader',
  ReceiptPrinter: 'receipt_printer',
  BillAcceptor: 'bill_acceptor',
  BadgeScanner: 'badge_scanner',
};

/**
 * The backend's view of the kiosk hardware: owns a DeviceManager, turns device events into
 * contract events, runs cash sessions (credits journaled before the ACK) and prints receipts.
 * Returns at once; devices come up in the background and report through `hardware.health`.
 */
export function createDeviceService(options: DeviceServiceOptions): DeviceService {
  const { logger, onEvent } = options;
  const sessions = new Map<string, CashSession>();
  const orphanListeners: (() => void)[] = [];
  let active: CashSession | null = null;
  const now = () => new Date().toISOString();

  /** Each step of a bill is written here before the acceptor or the screen hears of it. */
  const billJournal: BillJournal = {
    escrow: async (bill) =>
      journal.escrow(bill, active?.cashSessionId ?? `orphan:${bill.device}`, now()),
    stacking: async (billId) => journal.move(billId, 'stacking', now()),
    settle: async (billId, outcome) => journal.move(billId, outcome, now()),
    open: async (device) => journal.open(device),
    credit: async (billId) => {
      const { credit, cashSessionId, fresh } = journal.credit(billId, now());
      const fields = { creditId: credit.creditId, cents: credit.cents };
      // a bill escrowed outside a session (e.g. left in the acceptor) is still money: kept
      if (fresh && cashSessionId.startsWith('orphan:')) {
        logger.warn(fields, 'bill credited outside a cash session');
        // the credit is on disk: a listener's failure must not hold back the acceptor's ACK
        for (const listener of orphanListeners) {
          try {
            listener();
          } catch (error) {
            logger.error(
              { err: error, ...fields },
              'bill credited outside a session not handed on',
            );
          }
        }
      } else if (fresh) logger.info(fields, 'bill credit recorded');
      const session = sessions.get(cashSessionId);
      if (session) session.insertedCents = journal.insertedCents(cashSessionId);
      return credit;
    },
  };

  const manager = new DeviceManager(options.config, {
    drivers: standardDrivers,
    simulatedBinding: options.simulatedBinding,
    billJournal,
  });
  // opened after the configuration passed, so a bad configuration leaves no file open
  const journal = new CreditJournal(options.creditJournalPath);
  const card = manager.first('CardReader');
  const printer = manager.first('ReceiptPrinter');
  const cash = manager.first('BillAcceptor');
  const badge = manager.first('BadgeScanner');

  const health = (): DeviceHealth[] =>
    manager.list().map((device) => ({
      name: device.name,
      kind: KIND[device.deviceClass],
      state: device.power === 'offline' && device.state !== 'closed' ? 'offline' : device.state,
      detail: device.power === 'offline' ? 'offline' : null,
      lastSeenAt: device.lastSeenAt,
      simulated: manager.isSimulated(device.name),
    }));
  const reportHealth = () => onEvent('hardware.health', { devices: health() });
  /** For facility IT: why a device is unreachable (a wrong path, a refused host), in one line. */
  const logOffline = (device: AnyDevice) =>
    logger.warn(
      { device: device.name, reason: device.connectFailure ?? 'stopped answering' },
      'device offline',
    );

  for (const device of manager.list()) {
    device.on('power', (power) => {
      logger.info({ device: device.name, power }, 'device power');
      if (power === 'offline') logOffline(device);
      reportHealth();
    });
    // A wrong port path or missing permission: said once per reason, at the default level.
    device.on('unreachable', (reason) =>
      logger.warn({ device: device.name }, `cannot open the device's port: ${reason}`),
    );
    device.on('deviceError', (event: DeviceErrorEvent) => {
      const { code, extendedCode, locus, errorClass } = event.error;
      // the message and codes never carry input data (drivers guarantee it)
      logger.warn(
        { device: device.name, code, extendedCode, locus, errorClass },
        event.error.message,
      );
    });
  }

  card?.on('data', (result) => {
    onEvent('hardware.cardRead', {
      brand: result.brand,
      last4: result.last4,
      expiry: result.expiry,
      funding: result.funding,
      cardholderName: result.cardholderName,
      token: result.token,
    });
  });
  card?.on('deviceError', ({ error }) =>
    onEvent('hardware.cardError', {
      code: error.extendedCode ?? error.code,
      message: error.message,
      reason: cardReadFailure(error),
    }),
  );

  badge?.on('data', (scan) => {
    const parsed = badgeToken.safeParse(scan.token);
    if (parsed.success) onEvent('hardware.badge', { badgeToken: parsed.data });
    else logger.warn({ device: badge.name }, 'badge scan does not match the badge token format');
    void badge.enable().catch(() => undefined);
  });

  /** The printer's last reported condition, sent with each job's state. */
  let lastCondition: PrinterStatus['condition'] = 'ok';
  printer?.on('status', (status: PrinterStatus) => {
    lastCondition = status.condition;
    onEvent('hardware.printer', { condition: status.condition, job: null });
  });

  /** A session as the screen sees it; one from before a restart is read from the journal. */
  const sessionView = (cashSessionId: string): CashSession | null => {
    const live = sessions.get(cashSessionId);
    if (live) return { ...live };
    if (cashSessionId.startsWith('orphan:')) return null;
    return {
      cashSessionId,
      insertedCents: journal.insertedCents(cashSessionId),
      state: 'ended',
      escrowCents: null,
    };
  };
  const emitBill = (
    session: CashSession | null,
    event: EventPayload<'hardware.bill'>['event'],
    denominationCents: number | null,
    extra: { recovered?: boolean; reason?: BillRefusal } = {},
  ) => {
    const view = session && sessionView(session.cashSessionId);
    if (!view) return;
    onEvent('hardware.bill', {
      session: view,
      event,
      denominationCents,
      recovered: extra.recovered ?? false,
      reason: extra.reason ?? null,
    });
  };
  /** The bill left the acceptor (stacked, returned, lost): the session accepts again. */
  const escrowDone = (session: CashSession | null | undefined) => {
    if (session && session.state === 'escrow')
      Object.assign(session, { state: 'accepting', escrowCents: null });
  };
  cash?.on('data', (event: BillEvent) => {
    switch (event.kind) {
      case 'escrow':
        if (active) Object.assign(active, { state: 'escrow', escrowCents: event.cents });
        emitBill(active, 'escrow', event.cents, { recovered: event.recovered });
        break;
      case 'stacked': {
        const owner = journal.bill(event.credit.creditId)?.cashSessionId;
        const session = owner ? sessions.get(owner) : undefined;
        escrowDone(session);
        if (session) session.insertedCents = journal.insertedCents(session.cashSessionId);
        const view = owner ? sessionView(owner) : null;
        emitBill(view, 'stacked', event.credit.cents, { recovered: event.recovered });
        break;
      }
      case 'returned':
        escrowDone(active);
        emitBill(active, 'returned', event.cents, { recovered: event.recovered });
        break;
      case 'uncertain':
        escrowDone(active);
        logger.warn({ device: cash.name, cents: event.cents }, 'a bill was lost mid-stack');
        emitBill(active, 'uncertain', event.cents, { recovered: true });
        break;
      case 'rejected':
        emitBill(active, 'rejected', null, { reason: event.refusal });
        break;
    }
  });
  cash?.on('status', (status: BillStatus) => {
    if (status.state === 'jammed') emitBill(active, 'jammed', null);
    if (status.state === 'cassette_full') emitBill(active, 'cassette_full', null);
    if (status.reconciliation)
      logger.warn({ device: cash.name }, 'bill acceptor needs reconciliation');
  });

  const ready = manager.start().then(async () => {
    // output devices stay enabled; input devices only while a screen asks for input
    await printer?.enable();
    await badge?.enable();
    for (const device of manager.list()) if (device.power === 'offline') logOffline(device);
    reportHealth();
  });
  ready.catch((error: unknown) => logger.error({ err: error }, 'devices did not start'));

  const requireDevice = <D>(device: D | undefined, what: string): D => {
    if (!device) throw new DeviceError('no_hardware', `this device has no ${what}`);
    return device;
  };
  const requireSession = (cashSessionId: string): CashSession => {
    const session = sessions.get(cashSessionId);
    if (!session) throw new DeviceError('illegal', 'unknown cash session');
    return session;
  };

  return {
    hardware: () => ({
      cardReader: card !== undefined,
      receiptPrinter: printer !== undefined,
      billAcceptor: cash !== undefined,
      badgeScanner: badge !== undefined,
    }),
    health,
    async startCardRead() {
      await ready;
      await requireDevice(card, 'card reader').enable();
    },
    async cancelCardRead() {
      await ready;
      await requireDevice(card, 'card reader').disable();
    },
    async startCash() {
      await ready;
      const acceptor = requireDevice(cash, 'bill acceptor');
      if (active && active.state !== 'ended')
        throw new DeviceError('busy', 'a cash session is already open');
      const session: CashSession = {
        cashSessionId: randomUUID(),
        insertedCents: 0,
        state: 'accepting',
        escrowCents: null,
      };
      sessions.set(session.cashSessionId, session);
      active = session;
      await acceptor.enable();
      return { ...session };
    },
    async escrow(cashSessionId, action) {
      const session = requireSession(cashSessionId);
      const acceptor = requireDevice(cash, 'bill acceptor');
      if (session !== active || session.state !== 'escrow') {
        throw new DeviceError('illegal', 'no bill is waiting in escrow for this session');
      }
      if (action === 'accept') await acceptor.acceptEscrow();
      else await acceptor.returnEscrow();
      return { ...session };
    },
    async endCash(cashSessionId) {
      const session = requireSession(cashSessionId);
      const acceptor = requireDevice(cash, 'bill acceptor');
      if (session.state === 'escrow') await acceptor.returnEscrow().catch(() => undefined);
      await acceptor.disable();
      session.state = 'ended';
      session.escrowCents = null;
      session.insertedCents = journal.insertedCents(cashSessionId);
      if (active === session) active = null;
      return { ...session };
    },
    cashSession(cashSessionId) {
      const session = sessions.get(cashSessionId);
      // the journal is the truth: a bill stacked just after the session ended still counts,
      // and a session from before a restart is known by its credits
      if (!session) {
        const credited = journal.insertedCents(cashSessionId);
        return credited > 0 ? (sessionView(cashSessionId) ?? undefined) : undefined;
      }
      return { ...session, insertedCents: journal.insertedCents(cashSessionId) };
    },
    stackedCash: (cashSessionId) => journal.stacked(cashSessionId),
    unqueuedOrphanCash: () => journal.unqueuedOrphans(),
    orphanCashQueued: (creditId) => journal.orphanQueued(creditId, now()),
    onOrphanCash: (listener) => void orphanListeners.push(listener),
    async print(request: PrintRequest): Promise<PrintJob> {
      const jobId = randomUUID();
      const report = (status: PrintJob['status'], error: string | null = null) =>
        onEvent('hardware.printer', { condition: lastCondition, job: { jobId, status, error } });
      report('queued');
      await ready;
      const device = requireDevice(printer, 'receipt printer');
      let job: PrintJob;
      try {
        await device.print(request, () => report('sent'));
        job = { jobId, status: 'printed', error: null };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.warn({ device: device.name }, `print failed: ${message}`);
        job = { jobId, status: 'failed', error: message };
      }
      lastCondition = await printerCondition(device);
      onEvent('hardware.printer', { condition: lastCondition, job });
      return job;
    },
    async close() {
      await ready.catch(() => undefined);
      await manager.stop();
      journal.close();
    },
  };
}

async function printerCondition(printer: ReceiptPrinter): Promise<PrinterStatus['condition']> {
  try {
    return (await printer.readStatus()).condition;
  } catch {
    return 'offline';
  }
}
