import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailWorker, retryDelay, smtpTransport, type MailWorker } from './mail-worker';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { eachTestCentral } from './testing/each-central';
import { LocalSmtpServer } from './testing/smtp';
import { STORAGE_KINDS } from './testing/storages';

/**
 * The outgoing-mail worker against a real SMTP server on 127.0.0.1, on both engines: a row is
 * marked sent only once the server accepted it, refusals and an unreachable server are retried
 * with backoff, and two workers never send one row twice.
 */

const FROM = 'Homeline <no-reply@homeline.test>';
let now = Date.parse('2026-12-01T12:00:00Z');
const clock = () => new Date(now);

interface OutboxState {
  sent_at: string | null;
  body: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  [key: string]: unknown;
}

describe.each(STORAGE_KINDS)('the mail worker on %s', (kind) => {
  let central: TestCentral;
  let smtp: LocalSmtpServer;
  const workers: MailWorker[] = [];
  eachTestCentral(kind, (started) => (central = started), { clock });
  beforeEach(async () => {
    now = Date.parse('2026-12-01T12:00:00Z');
    smtp = await LocalSmtpServer.start();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await smtp.close();
  });

  function worker(url = smtp.url): MailWorker {
    const started = createMailWorker({
      storage: central.storage,
      clock,
      logger: pino({ level: 'silent' }),
      transport: smtpTransport(url),
      from: FROM,
    });
    workers.push(started);
    return started;
  }

  async function enqueue(subject = 'Your mail is waiting', body = 'A message waits for you.') {
    const id = crypto.randomUUID();
    await central.storage.run(
      'INSERT INTO mail_outbox (id, to_email, subject, body, created_at) VALUES (?, ?, ?, ?, ?)',
      [id, 'maria@example.com', subject, body, clock().toISOString()],
    );
    return id;
  }

  const state = (id: string) =>
    central.storage.get<OutboxState>(
      'SELECT sent_at, body, attempts, next_attempt_at, last_error FROM mail_outbox WHERE id = ?',
      [id],
    );

  it('delivers what the outbox holds, then marks it sent and keeps no text', async () => {
    const id = await enqueue('Hola / Hello', 'Línea uno\nLine two');
    expect(await worker().drain()).toEqual({ sent: [id], failed: [] });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({
      from: 'no-reply@homeline.test',
      to: ['maria@example.com'],
      subject: 'Hola / Hello',
      text: 'Línea uno\nLine two\n',
    });
    expect(await state(id)).toMatchObject({
      sent_at: clock().toISOString(),
      body: '',
      last_error: null,
    });
    expect(await worker().drain()).toEqual({ sent: [], failed: [] });
  });

  it('a refusal is retried with backoff; the row is sent only once accepted', async () => {
    const id = await enqueue();
    smtp.refuseNext = 2;
    const mailer = worker();
    expect(await mailer.drain()).toEqual({ sent: [], failed: [id] });
    expect(await state(id)).toMatchObject({
      sent_at: null,
      attempts: 1,
      next_attempt_at: new Date(now + retryDelay(1, 30_000, 3_600_000)).toISOString(),
      last_error: expect.stringContaining('try again later'),
    });
    // Not due yet: nothing is tried.
    expect(await mailer.drain()).toEqual({ sent: [], failed: [] });
    now += 30_000;
    expect(await mailer.drain()).toEqual({ sent: [], failed: [id] });
    expect((await state(id))?.next_attempt_at).toBe(new Date(now + 60_000).toISOString());
    now += 60_000;
    expect(await mailer.drain()).toEqual({ sent: [id], failed: [] });
    expect(smtp.received).toHaveLength(1);
    expect(await state(id)).toMatchObject({ attempts: 2, sent_at: clock().toISOString() });
  });

  it('an unreachable server leaves the mail queued for later', async () => {
    const id = await enqueue();
    const closed = await LocalSmtpServer.start();
    const deadUrl = closed.url;
    await closed.close();
    expect(await worker(deadUrl).drain()).toEqual({ sent: [], failed: [id] });
    expect(await state(id)).toMatchObject({ sent_at: null, attempts: 1 });
    now += 30_000;
    expect(await worker().drain()).toEqual({ sent: [id], failed: [] });
  });

  it('two workers draining at once send each mail once', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => enqueue(`Mail ${i}`)));
    const [a, b] = await Promise.all([worker().drain(), worker().drain()]);
    expect([...a.sent, ...b.sent].sort()).toEqual([...ids].sort());
    expect(smtp.received.map((mail) => mail.subject).sort()).toEqual(
      ids.map((_, i) => `Mail ${i}`).sort(),
    );
  });

  it("the service's customer mails (welcome, account exists, temporary password) arrive through SMTP", async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    // Registering an email that has an account tells its owner, not the caller.
    const again = await new TestCustomer(central.baseUrl).call('POST', '/v1/customers/register', {
      email: customer.email,
      password: 'another-password-123',
      displayName: 'Someone Else',
      residentId,
      acceptedTermsVersion: '2026-01',
    });
    expect(again.status).toBe(202);
    const forgot = await customer.call('POST', '/v1/customers/forgot-password', {
      email: customer.email,
    });
    expect(forgot.status).toBe(202);
    const received: { to: string[]; subject: string }[] = [];
    smtp.onMail((mail) => received.push(mail));
    expect((await worker().drain()).sent).toHaveLength(3);
    expect(received.map((mail) => mail.to)).toEqual([
      [customer.email],
      [customer.email],
      [customer.email],
    ]);
    expect(received.map((mail) => mail.subject).sort()).toEqual(
      [
        'Homeline: welcome / bienvenido',
        'Homeline: someone tried to register / alguien intentó registrarse',
        'Homeline: your temporary password / su contraseña temporal',
      ].sort(),
    );
    const left = await central.storage.all<{ body: string }>(
      'SELECT body FROM mail_outbox WHERE sent_at IS NOT NULL',
    );
    expect(left).toEqual([{ body: '' }, { body: '' }, { body: '' }]);
  });
});
