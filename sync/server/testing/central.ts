import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { DeviceProfile, FacilityConfig } from '../../../domain';
import { createCentralServer } from '../app';
import { credit } from '../ledger';
import { insertResident, prepareResident, type NewResident } from '../residents-admin';
import type { Storage } from '../storage/types';
import { inWork, type Clock } from '../work';
import { saveFacility } from '../facilities';
import { putHousingUnit } from '../housing';
import { readSampleFacility } from '../seed';
import type { StaffGrant } from '../staff-identity';
import type { UpdateFeedOptions } from '../updates/plugin';
import { TestDevice, type HttpAnswer } from './device';
import { createHttpProcessor } from '../money/http-processor';
import type { PaymentsPort } from '../money/payments';
import type { ProcessorSimulatorProcess } from '../money/processor-process';
import { TestStaff } from './staff';

/**
 * A running central service on 127.0.0.1 (port 0) over a given storage, with the sample
 * facility and its housing unit `TEST_UNIT` loaded, and helpers for residents (in that unit
 * unless told otherwise), devices (a kiosk stands in that unit unless told otherwise) and admin
 * calls. Tests and benchmarks use it.
 */

export const TEST_UNIT = 'test-unit-a';

export class TestCentral {
  /** Signed in with every role on every facility; `admin` calls go through it. */
  operator!: TestStaff;

  private constructor(
    readonly storage: Storage,
    readonly app: FastifyInstance,
    readonly baseUrl: string,
    readonly facility: FacilityConfig,
    readonly clock: Clock,
    /** The processor simulator behind the payments port, when the test takes cards. */
    readonly processor: ProcessorSimulatorProcess | null,
    /** The service's payments port (HTTP to the simulator), for workers a test runs itself. */
    readonly payments: PaymentsPort | null,
  ) {}

  static async start(
    storage: Storage,
    options: {
      clock?: Clock;
      minAppVersion?: string;
      updates?: UpdateFeedOptions;
      trustProxy?: string;
      processor?: ProcessorSimulatorProcess;
      /** Steps around the real payments port (a test that opens a block mid-payment). */
      aroundPayments?: (port: PaymentsPort) => PaymentsPort;
    } = {},
  ) {
    const clock = options.clock ?? (() => new Date());
    const processor = options.processor ?? null;
    const port = processor
      ? createHttpProcessor({
          baseUrl: processor.url,
          secretKey: processor.keys.secretKey,
          webhookSecret: processor.keys.webhookSecret,
        })
      : null;
    const payments = port && options.aroundPayments ? options.aroundPayments(port) : port;
    const app = await createCentralServer({
      storage,
      logger: pino({ level: 'silent' }),
      clock,
      minAppVersion: options.minAppVersion,
      updates: options.updates,
      trustProxy: options.trustProxy,
      payments,
    });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    await processor?.registerWebhook(`${baseUrl}/v1/processor/webhooks`);
    const facility = readSampleFacility();
    await inWork(storage, clock, async (work) => {
      await saveFacility(work, facility);
      await putHousingUnit(work, { id: TEST_UNIT, facilityId: facility.id, name: 'Unit A' });
    });
    const central = new TestCentral(storage, app, baseUrl, facility, clock, processor, payments);
    central.operator = await TestStaff.operator(central);
    return central;
  }

  /** A processor token for a test card (by name: visaApproved, declined ...). */
  cardToken(card = 'visaApproved'): Promise<string> {
    if (!this.processor) throw new Error('start the central service with a processor');
    return this.processor.tokenize(card);
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  /** A call as the operator (every role, every facility). */
  admin<T = unknown>(method: string, path: string, json?: unknown): Promise<HttpAnswer<T>> {
    return this.operator.call<T>(method, path, json);
  }

  /** A staff member holding `grants`, signed in. */
  staff(grants: readonly StaffGrant[], name?: string): Promise<TestStaff> {
    return TestStaff.create(this, grants, name);
  }

  /** Creates a resident with stamps and money already on the account. */
  async resident(
    overrides: Partial<NewResident> = {},
    balance: { stamps?: number; cents?: number } = {},
  ): Promise<string> {
    const prepared = await prepareResident({
      facilityId: this.facility.id,
      state: 'FL',
      docNumber: `S${Math.floor(Math.random() * 1e9)}`,
      firstName: 'Ana',
      lastName: 'Lopez',
      pin: '1234',
      // The test unit belongs to the sample facility; elsewhere a resident starts in no unit.
      housingUnitId:
        (overrides.facilityId ?? this.facility.id) === this.facility.id ? TEST_UNIT : null,
      badgeId: null,
      tabletSerial: null,
      ...overrides,
    });
    return inWork(this.storage, this.clock, async (work) => {
      const id = await insertResident(work, prepared);
      const owner = { type: 'resident' as const, id };
      if (balance.stamps) {
        await credit(work, {
          owner,
          account: 'stamps',
          amount: balance.stamps,
          kind: 'adjustment',
          reference: `seed-${id}`,
        });
      }
      if (balance.cents) {
        await credit(work, {
          owner,
          account: 'money',
          amount: balance.cents,
          kind: 'adjustment',
          reference: `seed-${id}`,
        });
      }
      return id;
    });
  }

  /** A one-time enrollment code of the test facility (a kiosk's names its housing unit). */
  async enrollCode(profile: DeviceProfile = 'kiosk', housingUnitId = TEST_UNIT): Promise<string> {
    const code = await this.admin<{ code: string }>('POST', '/v1/admin/enroll-codes', {
      facilityId: this.facility.id,
      profile,
      ...(profile === 'kiosk' && { housingUnitId }),
    });
    if (code.status !== 201) throw new Error(`enroll code refused: ${JSON.stringify(code.body)}`);
    return code.body.code;
  }

  async device(
    profile: DeviceProfile = 'kiosk',
    serial?: string,
    housingUnitId = TEST_UNIT,
  ): Promise<TestDevice> {
    const device = new TestDevice(this.baseUrl);
    const enrolled = await device.enroll(await this.enrollCode(profile, housingUnitId), serial);
    if (enrolled.status !== 201) throw new Error(`enroll failed: ${JSON.stringify(enrolled.body)}`);
    return device;
  }

  /**
   * Every balance equals the sum of its ledger entries (a customer's stamps per agency), and
   * none is below zero.
   */
  async ledgerInvariant(): Promise<{ mismatches: unknown[]; negatives: number }> {
    const mismatches = await this.storage.all(
      `SELECT b.owner_type, b.owner_id, b.stamps, b.cents,
         COALESCE((SELECT SUM(amount) FROM ledger l WHERE l.owner_type = b.owner_type AND l.owner_id = b.owner_id AND l.account = 'stamps'), 0) AS ledger_stamps,
         COALESCE((SELECT SUM(amount) FROM ledger l WHERE l.owner_type = b.owner_type AND l.owner_id = b.owner_id AND l.account = 'money'), 0) AS ledger_cents
       FROM balances b`,
    );
    const replies = await this.storage.all(
      `SELECT h.resident_id, h.customer_id, h.stamps,
         COALESCE((SELECT SUM(amount) FROM ledger l WHERE l.owner_id = h.resident_id AND l.customer_id = h.customer_id AND l.account = 'reply_stamps'), 0) AS ledger_stamps
       FROM reply_holdings h`,
    );
    const agencies = await this.storage.all(
      `SELECT c.customer_id, c.agency, c.stamps,
         COALESCE((SELECT SUM(amount) FROM ledger l WHERE l.owner_type = 'customer' AND l.owner_id = c.customer_id AND l.agency = c.agency AND l.account = 'stamps'), 0) AS ledger_stamps
       FROM customer_stamps c`,
    );
    const negative = await this.storage.get<{ n: number }>(
      `SELECT (SELECT COUNT(*) FROM balances WHERE stamps < 0 OR cents < 0)
         + (SELECT COUNT(*) FROM customer_stamps WHERE stamps < 0) AS n`,
    );
    return {
      mismatches: [
        ...mismatches.filter(
          (r) =>
            Number(r.stamps) !== Number(r.ledger_stamps) ||
            Number(r.cents) !== Number(r.ledger_cents),
        ),
        ...replies.filter((r) => Number(r.stamps) !== Number(r.ledger_stamps)),
        ...agencies.filter((r) => Number(r.stamps) !== Number(r.ledger_stamps)),
      ],
      negatives: Number(negative?.n ?? 0),
    };
  }
}
