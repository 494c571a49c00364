import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DeviceProfile } from '../../../domain';
import { loadFacility } from '../../../sync/server/facilities';
import { publishContact } from '../../../sync/server/publish';
import { openSqliteStorage } from '../../../sync/server/storage/sqlite';
import type { Storage } from '../../../sync/server/storage/types';
import { ProcessorSimulatorProcess } from '../../../sync/server/money/processor-process';
import { TEST_UNIT, TestCentral } from '../../../sync/server/testing/central';
import { insertReleasedEmail } from '../../../sync/server/testing/mail';
import { inWork } from '../../../sync/server/work';

/**
 * The real central service in-process on 127.0.0.1 (TestCentral) over
 * a SQLite file in a temp folder, with what the sync tests need on top: enrollment codes,
 * customers linked to residents, and restoring the database from a backup.
 */
export class CentralFixture {
  private constructor(
    public central: TestCentral,
    readonly dir: string,
    private dbPath: string,
  ) {}

  /** Opens an existing SQLite database (e.g. one a child process wrote) for the checks. */
  static async open(dbPath: string, dir: string): Promise<CentralFixture> {
    return new CentralFixture(
      await TestCentral.start(await openSqliteStorage(dbPath)),
      dir,
      dbPath,
    );
  }

  static async start(
    storage?: (dir: string) => Promise<Storage>,
    options: { minAppVersion?: string; processor?: ProcessorSimulatorProcess } = {},
  ): Promise<CentralFixture> {
    const dir = mkdtempSync(join(tmpdir(), 'homeline-central-'));
    const dbPath = join(dir, 'central.db');
    const opened = storage ? await storage(dir) : await openSqliteStorage(dbPath);
    return new CentralFixture(await TestCentral.start(opened, options), dir, dbPath);
  }

  get url(): string {
    return this.central.baseUrl;
  }

  get facilityId(): string {
    return this.central.facility.id;
  }

  /** A code for a device of the facility; a kiosk stands in `housingUnitId` (the test unit). */
  async enrollment(
    profile: DeviceProfile = 'kiosk',
    housingUnitId = TEST_UNIT,
  ): Promise<{ code: string; facilityId: string }> {
    const answer = await this.central.admin<{ code: string }>('POST', '/v1/admin/enroll-codes', {
      facilityId: this.facilityId,
      profile,
      ...(profile === 'kiosk' && { housingUnitId }),
    });
    if (answer.status !== 201 && answer.status !== 200) {
      throw new Error(`enroll code: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return { code: answer.body.code, facilityId: this.facilityId };
  }

  /**
   * A customer who may write to the resident (as registration and "add resident" would leave
   * it), published to the resident's scope so devices learn the contact.
   */
  async customerFor(residentId: string, displayName = 'Maria Lopez'): Promise<string> {
    const customerId = randomUUID();
    const at = new Date().toISOString();
    await inWork(this.central.storage, this.central.clock, async (work) => {
      await work.tx.run(
        `INSERT INTO customers (id, email, display_name, password_hash, terms_version,
           terms_accepted_at, created_at) VALUES (?, ?, ?, 'unused', '1', ?, ?)`,
        [customerId, `${customerId}@example.com`, displayName, at, at],
      );
      await work.tx.run('INSERT INTO customer_residents (customer_id, resident_id) VALUES (?, ?)', [
        customerId,
        residentId,
      ]);
      await publishContact(work, residentId, customerId);
    });
    return customerId;
  }

  /** `count` emails from the customer to the resident, already released by staff. */
  async mailFrom(customerId: string, residentId: string, count: number): Promise<void> {
    await inWork(this.central.storage, this.central.clock, async (work) => {
      const facility = await loadFacility(work.tx, this.facilityId);
      for (let i = 0; i < count; i += 1) {
        await insertReleasedEmail(work, {
          facility,
          residentId,
          customerId,
          subject: `Letter ${i}`,
          body: `Dear Ana, this is letter ${i}.`,
        });
      }
    });
  }

  /** A consistent copy of the database as it is now (SQLite's VACUUM INTO). */
  async backup(): Promise<string> {
    const path = join(this.dir, `backup-${randomUUID()}.db`);
    await this.central.storage.run(`VACUUM INTO '${path}'`);
    return path;
  }

  /**
   * Stops the service, puts `backupPath` in place of its database and starts it again;
   * `beforeStart` runs on the restored file first (facility IT's `new-epoch` step).
   */
  async restore(
    backupPath: string,
    beforeStart?: (dbPath: string) => Promise<unknown>,
  ): Promise<void> {
    await this.central.stop();
    await this.central.storage.close();
    this.dbPath = join(this.dir, `restored-${randomUUID()}.db`);
    copyFileSync(backupPath, this.dbPath);
    await beforeStart?.(this.dbPath);
    this.central = await TestCentral.start(await openSqliteStorage(this.dbPath));
  }

  /** Server-side counts for the exactly-once checks. */
  async mutationsOf(deviceId: string): Promise<{ id: string; outcome: string }[]> {
    return this.central.storage.all<{ id: string; outcome: string }>(
      'SELECT id, outcome FROM mutations WHERE device_id = ? ORDER BY seq',
      [deviceId],
    );
  }

  async stop(): Promise<void> {
    await this.central.stop();
    await this.central.storage.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * For one test file: a card processor simulator in its own process and a central service that
 * charges cards through it, both started before the file's tests and stopped after them.
 */
export function centralWithProcessorForFile(
  started: (central: CentralFixture, processor: ProcessorSimulatorProcess) => void,
): void {
  let central: CentralFixture | undefined;
  let processor: ProcessorSimulatorProcess | undefined;
  beforeAll(async () => {
    processor = await ProcessorSimulatorProcess.start();
    central = await CentralFixture.start(undefined, { processor });
    started(central, processor);
  });
  afterAll(async () => {
    await central?.stop();
    await processor?.stop();
  });
}
