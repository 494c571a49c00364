import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { TestStaff } from './testing/staff';
import { readSampleFacility } from './seed';
import { createCentralServer } from './app';
import { saveFacility } from './facilities';
import { openSqliteStorage } from './storage/sqlite';
import { TestCustomer } from './testing/customer';
import { inWork } from './work';
import { insertResident, prepareResident } from './residents-admin';
import { createHttpProcessor } from './money/http-processor';
import { ProcessorSimulatorProcess } from './money/processor-process';

const dir = mkdtempSync(join(tmpdir(), 'homeline-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('central logs', () => {
  it('never contain passwords, session tokens, card tokens or staff cookies and CSRF tokens', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const storage = await openSqliteStorage(join(dir, 'central.db'));
    const clock = () => new Date();
    const processor = await ProcessorSimulatorProcess.start();
    const app = await createCentralServer({
      storage,
      logger: pino({ level: 'trace' }, sink),
      payments: createHttpProcessor({
        baseUrl: processor.url,
        secretKey: processor.keys.secretKey,
        webhookSecret: processor.keys.webhookSecret,
      }),
    });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    const facility = readSampleFacility();
    const prepared = await prepareResident({
      facilityId: facility.id,
      state: 'FL',
      docNumber: 'S1',
      firstName: 'A',
      lastName: 'B',
      pin: '4321',
      housingUnitId: null,
      badgeId: null,
      tabletSerial: null,
    });
    await inWork(storage, clock, async (work) => {
      await saveFacility(work, facility);
      await insertResident(work, prepared);
    });
    const customer = await new TestCustomer(baseUrl).register(prepared.id);
    await customer.login('a wrong password!!');
    const card = { token: await processor.tokenize() };
    const deposited = await customer.call('POST', '/v1/customer/deposits', {
      channel: 'bank_card',
      depositId: crypto.randomUUID(),
      residentId: prepared.id,
      amountCents: 5000,
      card,
      expectedFeeCents: 495,
    });
    expect(deposited.status).toBe(201);
    // A forged webhook is refused and logged without its body.
    await fetch(`${baseUrl}/v1/processor/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'processor-signature': 't=1,v1=00' },
      body: JSON.stringify({ secret: processor.keys.webhookSecret }),
    });
    const staff = await TestStaff.operator({ storage, clock, baseUrl });
    const staffHeaders = staff.headers();
    await fetch(`${baseUrl}/v1/admin/staff`, {
      method: 'POST',
      headers: { ...staffHeaders, 'content-type': 'application/json' },
      body: '{"broken',
    });
    await app.close();
    await storage.close();
    await processor.stop();

    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [
      customer.password,
      'a wrong password!!',
      customer.token,
      card.token,
      processor.testCards.visaApproved!,
      processor.keys.secretKey,
      processor.keys.webhookSecret,
      staff.password,
      staff.totpSecret,
      ...Object.values(staffHeaders).map((value) => value.replace(/^[^=]*=/, '')),
      prepared.pinHash,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
