import { EventEmitter } from 'node:events';
import type { DeviceDriver, DriverSink } from './driver';
import { DeviceError } from './errors';
import { withTimeout } from './timeout';

export const DEVICE_CLASSES = [
  'CardReader',
  'ReceiptPrinter',
  'BillAcceptor',
  'BadgeScanner',
] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export type DeviceState = 'closed' | 'idle' | 'busy' | 'error';
export type PowerState = 'online' | 'offline';
export type HealthLevel = 'internal' | 'external' | 'interactive';
type ErrorAnswer = 'retry' | 'clear';

export interface HealthReport {
  name: string;
  deviceClass: DeviceClass;
  state: DeviceState;
  power: PowerState;
  level: HealthLevel;
  /** What the check found, for the maintenance screen; never contains input data. */
  detail: string | null;
  /** Last time the device answered or sent anything (ISO-8601 UTC). */
  lastSeenAt: string | null;
  checkedAt: string;
}

export interface DeviceErrorEvent {
  error: DeviceError;
  /** The app's answer: retry (continue input / redo the output) or clear (drop it). */
  respond(answer: ErrorAnswer): Promise<void>;
}

export interface DeviceEvents<D, S> {
  data: [D];
  status: [S];
  deviceError: [DeviceErrorEvent];
  power: [PowerState];
  /**
   * The port could not be opened (a wrong path, no permission, unplugged): the reason, once per
   * distinct reason, so a misconfigured port is said at the default log level without a line
   * per reconnect attempt.
   */
  unreachable: [string];
  state: [DeviceState];
  /** The device answered or sent something (heartbeat replies too): its new lastSeenAt. */
  seen: [string];
}

export interface DeviceTimings {
  /** Longest any single command may take, end to end. */
  commandTimeoutMs: number;
  /** Reconnect backoff: first delay, doubling up to the maximum. */
  reconnectBaseMs: number;
  reconnectMaxMs: number;
}

const DEFAULT_TIMINGS: DeviceTimings = {
  commandTimeoutMs: 10_000,
  reconnectBaseMs: 250,
  reconnectMaxMs: 8_000,
};

export interface DeviceOptions {
  /** Disable input after one delivered data event (readers: yes; bill acceptor: no). */
  autoDisable: boolean;
  /**
   * Disable input on an input error too (default: as autoDisable). A card reader stops so the
   * screen can say what went wrong; a badge scanner keeps scanning, so one bad line never turns
   * sign-in off.
   */
  disableOnInputError?: boolean;
  /** Data kept while data events are paused; older entries are dropped beyond it. */
  queueLimit?: number;
  timings?: Partial<DeviceTimings>;
  /** The clock for lastSeenAt and health reports (tests pass their own). */
  now?: () => Date;
}

/**
 * The UnifiedPOS lifecycle shared by every device class: open -> claim -> enable ... disable ->
 * release -> close. Data is queued and delivered only while enabled and data events are on;
 * with autoDisable the device disables itself after one delivery, so a second swipe never
 * lands on the wrong screen. A lost port is reopened with exponential backoff.
 */
export abstract class PosDevice<D, S, C extends object = object> extends EventEmitter<
  DeviceEvents<D, S>
> {
  abstract readonly deviceClass: DeviceClass;
  protected readonly timings: DeviceTimings;
  private currentState: DeviceState = 'closed';
  private opened = false;
  private claimed = false;
  private enabled = false;
  private dataEvents = true;
  private online = false;
  private lastSeen: string | null = null;
  private readonly queue: D[] = [];
  private readonly queueLimit: number;
  private readonly autoDisable: boolean;
  private readonly disableOnInputError: boolean;
  private readonly now: () => Date;
  private generation = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;
  /** Why the last connection attempt failed (one line: the path or host and the cause). */
  private connectError: string | null = null;
  private commandChain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly name: string,
    protected readonly driver: DeviceDriver<D, S, C>,
    options: DeviceOptions,
  ) {
    super();
    this.autoDisable = options.autoDisable;
    this.disableOnInputError = options.disableOnInputError ?? options.autoDisable;
    this.now = options.now ?? (() => new Date());
    this.queueLimit = options.queueLimit ?? 16;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
  }

  get state(): DeviceState {
    return this.currentState;
  }
  get power(): PowerState {
    return this.online ? 'online' : 'offline';
  }
  /** Why the last connection attempt failed, in one line; null once connected. */
  get connectFailure(): string | null {
    return this.connectError;
  }

  get capabilities(): Readonly<C> {
    return this.driver.capabilities;
  }
  get isClaimed(): boolean {
    return this.claimed;
  }
  get isEnabled(): boolean {
    return this.enabled;
  }
  get queuedCount(): number {
    return this.queue.length;
  }
  get lastSeenAt(): string | null {
    return this.lastSeen;
  }

  async open(): Promise<void> {
    if (this.opened) throw new DeviceError('illegal', `${this.name} is already open`);
    this.opened = true;
    this.setState('idle');
  }

  /**
   * Takes the port. A device that is absent does not fail the claim: it reports offline and is
   * reconnected with backoff, so a kiosk starts even when a printer is unplugged.
   */
  async claim(): Promise<void> {
    this.requireOpen();
    if (this.claimed) return;
    this.claimed = true;
    try {
      await this.connectOnce();
    } catch (error) {
      this.connectError = error instanceof Error ? error.message : String(error);
      this.reportUnreachable(error);
      this.markLost();
    }
  }

  async enable(): Promise<void> {
    this.requireClaimed();
    this.enabled = true;
    if (this.online) await this.applyInput(true);
    this.deliver();
  }

  async disable(): Promise<void> {
    this.requireClaimed();
    await this.stopInput();
  }

  /** Pauses or resumes data events; input keeps being queued while paused. */
  setDataEventEnabled(on: boolean): void {
    this.dataEvents = on;
    if (on) this.deliver();
  }

  /** Drops queued input (the UnifiedPOS clearInput). */
  clearInput(): void {
    this.queue.length = 0;
  }

  async release(): Promise<void> {
    if (!this.claimed) return;
    this.enabled = false;
    this.claimed = false;
    this.generation += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.queue.length = 0;
    this.online = false;
    await this.driver.disconnect();
    this.setState('idle');
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    await this.release();
    this.opened = false;
    this.setState('closed');
  }

  /**
   * internal: what the service knows; external: one real exchange with the device;
   * interactive: whatever the class adds (a test print), defaulting to external.
   */
  async checkHealth(level: HealthLevel = 'internal'): Promise<HealthReport> {
    // offline says why when a connection attempt said so (a wrong path, a refused host)
    let detail: string | null = this.online ? null : (this.connectError ?? 'offline');
    if (level !== 'internal' && this.claimed && this.online) {
      try {
        detail = await this.runExclusive(() =>
          level === 'interactive' ? this.interactiveCheck() : this.driver.probe(),
        );
      } catch (error) {
        detail = error instanceof Error ? error.message : String(error);
      }
    }
    return {
      name: this.name,
      deviceClass: this.deviceClass,
      state: this.currentState,
      power: this.power,
      level,
      detail,
      lastSeenAt: this.lastSeen,
      checkedAt: this.now().toISOString(),
    };
  }

  /** Subclasses override to add a visible check (a test receipt). */
  protected interactiveCheck(): Promise<string> {
    return this.driver.probe();
  }

  /**
   * Runs one command with the device busy, one at a time, bounded by the command timeout.
   * A command on a device that is not claimed or offline fails at once with a clear error.
   */
  protected runExclusive<T>(command: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.requireClaimed();
      if (!this.online) throw new DeviceError('offline', `${this.name} is offline`, null, 'output');
      this.setState('busy');
      try {
        return await withTimeout(command(), this.timings.commandTimeoutMs, `${this.name} command`);
      } finally {
        if (this.currentState === 'busy') this.setState(this.online ? 'idle' : 'error');
      }
    };
    const result = this.commandChain.then(run, run);
    this.commandChain = result.catch(() => undefined);
    return result;
  }

  /** Called by subclasses that own an output operation to redo it on a `retry` answer. */
  protected retryLastOutput(): Promise<void> {
    return Promise.resolve();
  }

  protected requireClaimed(): void {
    this.requireOpen();
    if (!this.claimed) throw new DeviceError('not_claimed', `${this.name} is not claimed`);
  }

  protected requireEnabled(): void {
    this.requireClaimed();
    if (!this.enabled) throw new DeviceError('disabled', `${this.name} is not enabled`);
  }

  private requireOpen(): void {
    if (!this.opened) throw new DeviceError('closed', `${this.name} is not open`);
  }

  private async stopInput(): Promise<void> {
    this.enabled = false;
    if (this.online) await this.applyInput(false);
  }

  private async applyInput(on: boolean): Promise<void> {
    try {
      await this.driver.setInputEnabled(on);
    } catch (error) {
      this.raise(asDeviceError(error, 'input'));
    }
  }

  private async connectOnce(): Promise<void> {
    const generation = ++this.generation;
    await this.driver.connect(this.sinkFor(generation));
    if (generation !== this.generation) {
      // released (or lost again) while connecting: do not leave the port open
      if (!this.claimed) await this.driver.disconnect();
      return;
    }
    this.online = true;
    this.reconnectAttempt = 0;
    this.connectError = null;
    this.lastUnreachable = null;
    this.touch();
    this.setState('idle');
    this.emit('power', 'online');
    if (this.enabled) await this.applyInput(true);
  }

  private sinkFor(generation: number): DriverSink<D, S> {
    const current = () => generation === this.generation && this.claimed;
    return {
      data: (data) => {
        if (!current()) return;
        this.touch();
        this.accept(data);
      },
      status: (status) => {
        if (!current()) return;
        this.touch();
        this.emit('status', status);
      },
      error: (error) => {
        if (!current()) return;
        this.raise(error);
      },
      seen: () => {
        if (current()) this.touch();
      },
      lost: () => {
        if (!current()) return;
        this.markLost();
      },
    };
  }

  private lastUnreachable: string | null = null;

  private reportUnreachable(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (reason === this.lastUnreachable) return;
    this.lastUnreachable = reason;
    this.emit('unreachable', reason);
  }

  private markLost(): void {
    const wasOnline = this.online;
    this.online = false;
    this.generation += 1;
    this.setState('error');
    if (wasOnline) this.emit('power', 'offline');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.claimed || this.reconnectTimer) return;
    const { reconnectBaseMs, reconnectMaxMs } = this.timings;
    const delay = Math.min(reconnectMaxMs, reconnectBaseMs * 2 ** this.reconnectAttempt);
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.driver
        .disconnect()
        .then(() => this.connectOnce())
        .catch((error: unknown) => {
          this.connectError = error instanceof Error ? error.message : String(error);
          this.reportUnreachable(error);
          if (this.claimed && !this.online) this.scheduleReconnect();
        });
    }, delay);
    this.reconnectTimer.unref();
  }

  private accept(data: D): void {
    // Input that arrives while disabled is dropped, never kept for a later screen.
    if (!this.enabled) return;
    if (this.queue.length >= this.queueLimit) this.queue.shift();
    this.queue.push(data);
    this.deliver();
  }

  private deliver(): void {
    while (this.enabled && this.dataEvents && this.queue.length > 0) {
      const next = this.queue.shift() as D;
      if (this.autoDisable) {
        this.queue.length = 0;
        void this.stopInput();
      }
      this.emit('data', next);
    }
  }

  protected raise(error: DeviceError): void {
    if (error.locus !== 'output' && this.disableOnInputError) void this.stopInput();
    const event: DeviceErrorEvent = {
      error,
      respond: async (answer) => {
        if (answer === 'clear') {
          this.clearInput();
          return;
        }
        if (error.locus === 'output') await this.retryLastOutput();
        else if (this.claimed) await this.enable();
      },
    };
    this.emit('deviceError', event);
  }

  private touch(): void {
    this.lastSeen = this.now().toISOString();
    this.emit('seen', this.lastSeen);
  }

  private setState(state: DeviceState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }
}

export function asDeviceError(error: unknown, locus: DeviceError['locus']): DeviceError {
  if (error instanceof DeviceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DeviceError('failure', message, null, locus);
}
