/**
 * What the end-to-end benchmarks share: a central database with a facility, residents, a
 * customer writing to each of them and released mail of realistic text; child processes started
 * fresh for each system (the central service, its peers, each measured client) and stopped
 * cleanly; enrollment codes made in the database, as the `central enroll-code` command does.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createEnrollCode } from '../sync/server/enrollment';
import { credit } from '../sync/server/ledger';
import { loadFacility } from '../sync/server/facilities';
import { insertReleasedEmail } from '../sync/server/testing/mail';
import { publishContact } from '../sync/server/publish';
import { insertResident, prepareResident } from '../sync/server/residents-admin';
import { seedSample } from '../sync/server/seed';
import type { Storage } from '../sync/server/storage/types';
import { inWork } from '../sync/server/work';
import { createLetterWriter } from './text';

const clock = () => new Date();

export interface SeededCentral {
  facilityId: string;
  /** The housing unit every resident lives in. */
  housingUnitId: string;
  residentIds: string[];
  customerId: string;
}

/**
 * The sample facility plus `residents` residents in all, one customer who is a contact of each,
 * `stamps` stamps for each resident, and `mails` released inbound letters (~1 KB, English
 * and Spanish alternating) spread evenly over the residents, or all to the first one
 * (`heavy: true`: one resident with a very large mailbox).
 */
export async function seedCentral(
  storage: Storage,
  options: { residents: number; mails: number; heavy?: boolean; stamps?: number },
): Promise<SeededCentral> {
  const { facilityId, housingUnitId, residentIds } = await seedSample(storage, clock);
  for (let n = residentIds.length; n < options.residents; n += 1) {
    const prepared = await prepareResident({
      facilityId,
      state: 'FL',
      docNumber: `B${String(100_000 + n)}`,
      firstName: `Resident${n}`,
      lastName: 'Bench',
      pin: '4821',
      housingUnitId,
      badgeId: null,
      tabletSerial: null,
    });
    residentIds.push(await inWork(storage, clock, (work) => insertResident(work, prepared)));
  }
  const customerId = randomUUID();
  await inWork(storage, clock, async (work) => {
    await work.tx.run(
      `INSERT INTO customers (id, email, display_name, password_hash, terms_version,
         terms_accepted_at, created_at) VALUES (?, ?, 'Renée Muñoz', 'unused', '1', ?, ?)`,
      [customerId, `${customerId}@example.com`, work.now, work.now],
    );
    for (const residentId of residentIds) {
      await work.tx.run('INSERT INTO customer_residents (customer_id, resident_id) VALUES (?, ?)', [
        customerId,
        residentId,
      ]);
      await publishContact(work, residentId, customerId);
    }
    for (const residentId of options.stamps ? residentIds : []) {
      await credit(work, {
        owner: { type: 'resident', id: residentId },
        account: 'stamps',
        amount: options.stamps!,
        kind: 'adjustment',
        reference: 'bench',
      });
    }
  });
  const writer = createLetterWriter(7);
  const BATCH = 2000; // one transaction per batch keeps PostgreSQL transactions reasonable
  for (let start = 0; start < options.mails; start += BATCH) {
    await inWork(storage, clock, async (work) => {
      const facility = await loadFacility(work.tx, facilityId);
      for (let i = start; i < Math.min(options.mails, start + BATCH); i += 1) {
        const language = i % 2 === 0 ? 'en' : 'es';
        // Released, as a reviewer would: unreleased mail never reaches a resident's devices.
        await insertReleasedEmail(work, {
          facility,
          residentId: options.heavy ? residentIds[0]! : residentIds[i % residentIds.length]!,
          customerId,
          subject: writer.subject(language),
          body: writer.letter(language),
        });
      }
    });
  }
  return { facilityId, housingUnitId, residentIds, customerId };
}

export interface Child {
  /** The first capture group of the ready pattern (e.g. the URL it listens on). */
  ready: string;
  process: ChildProcessByStdio<null, Readable, null>;
  /** Resolves with everything the child printed once it exits. */
  exited: Promise<{ code: number | null; output: string }>;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script> ...args` as a fresh process and waits until it prints a
 * line matching `ready` (e.g. /on (http:\S+)/). Extra node flags come first (profiling).
 */
export function startChild(
  script: string,
  args: string[],
  ready: RegExp,
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): Promise<Child> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', script, ...args],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  );
  return new Promise((resolve, reject) => {
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = started ? null : ready.exec(output);
      if (match) {
        started = true;
        resolve({
          ready: match[1] ?? match[0],
          process: child,
          exited,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    void exited.then(({ code }) => reject(new Error(`${script} exited (${code}): ${output}`)));
  });
}

/** Runs a measuring child to the end; its last stdout line is its JSON result. */
export async function runChild<T>(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const last = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited (${code}): ${output}`);
  return JSON.parse(last) as T;
}

/**
 * Enrollment codes made in the database before the service starts, as `central enroll-code` does:
 * kiosk codes, for the housing unit `housingUnitId` when given (such a kiosk reads the residents
 * of its unit).
 */
export async function enrollCodes(
  storage: Storage,
  facilityId: string,
  count: number,
  housingUnitId?: string,
): Promise<string[]> {
  const codes: string[] = [];
  for (let n = 0; n < count; n += 1) {
    const made = await createEnrollCode(storage, clock, {
      facilityId,
      profile: 'kiosk',
      housingUnitId,
      validHours: 2,
    });
    codes.push(made.code);
  }
  return codes;
}

/** The middle value of a few interleaved runs (the figure reported). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
