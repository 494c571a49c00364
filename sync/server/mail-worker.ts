import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { periodic } from './periodic';
import { typed } from './storage/typed';
import type { Storage } from './storage/types';
import type { Clock } from './work';

/**
 * The outgoing-mail worker: delivers `mail_outbox` through SMTP (nodemailer). It sends what a
 * row holds, nothing more: the text is built when the row is written, in the transaction of
 * the event it tells of. The outbox must never hold a reusable secret (a password, a session
 * token): a row lives in the database until the SMTP server accepts it, and its body is erased
 * the moment it does, so a mail's text is at rest no longer than its delivery takes.
 *
 * A row is marked sent only after the SMTP server accepted it. Several service nodes may run a
 * worker: each takes a row by moving its next attempt past a lease, so two never send one row at
 * once (a node that dies mid-send leaves the row to be sent again after the lease: at least
 * once). A failure is retried with exponential backoff, without end (mail is never dropped);
 * each failure is logged with the row id and stored as `last_error`.
 */

export interface MailWorkerOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  transport: Transporter;
  /** The From address, e.g. `Homeline <no-reply@homeline.example>`. */
  from: string;
  /** How often the timer looks for due mail (ms); tests call `drain` instead. */
  intervalMs?: number;
  /** The first retry waits this long; each further one twice as long, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a taken row is left to one worker before another may send it. */
  leaseMs?: number;
  batch?: number;
}

export interface MailWorker {
  /** Sends every row due now; resolves with the ids sent and those that failed. */
  drain(): Promise<{ sent: string[]; failed: string[] }>;
  /** Stops the timer and waits for a drain under way. */
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  to_email: string;
  subject: string;
  body: string;
  attempts: number;
}

/** A transport for an SMTP URL, e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@host`. */
export function smtpTransport(url: string): Transporter {
  return nodemailer.createTransport(url);
}

/** The wait before attempt `attempts + 1`, after `attempts` failures. */
export function retryDelay(attempts: number, backoffMs: number, maxBackoffMs: number): number {
  return Math.min(backoffMs * 2 ** Math.max(0, attempts - 1), maxBackoffMs);
}

export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const {
    storage,
    clock,
    logger,
    transport,
    from,
    backoffMs = 30_000,
    maxBackoffMs = 3_600_000,
    leaseMs = 300_000,
    batch = 20,
  } = options;
  const q = typed(storage);
  const at = (offsetMs = 0) => new Date(clock().getTime() + offsetMs).toISOString();

  /** Takes a due row for this worker (its next attempt moves past the lease), or undefined. */
  async function take(): Promise<OutboxRow | undefined> {
    return storage.transaction(async (tx) => {
      const now = at();
      const txq = typed(tx);
      const due = await txq.first((db) =>
        db
          .selectFrom('mail_outbox')
          .select(['id', 'to_email', 'subject', 'body', 'attempts'])
          .where('sent_at', 'is', null)
          .where((eb) =>
            eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]),
          )
          .orderBy('created_at')
          .orderBy('id')
          .limit(1)
          .$call(txq.lockRows)
          // PostgreSQL: a row another worker is taking is skipped, not waited for.
          .$call((query) => (tx.dialect === 'postgres' ? query.skipLocked() : query)),
      );
      if (!due) return undefined;
      await txq.run((db) =>
        db
          .updateTable('mail_outbox')
          .set({ next_attempt_at: at(leaseMs) })
          .where('id', '=', due.id),
      );
      return due;
    });
  }

  async function deliver(row: OutboxRow): Promise<boolean> {
    try {
      await transport.sendMail({ from, to: row.to_email, subject: row.subject, text: row.body });
    } catch (error) {
      const attempts = row.attempts + 1;
      const message = String((error as Error).message ?? error).slice(0, 500);
      await q.run((db) =>
        db
          .updateTable('mail_outbox')
          .set({
            attempts,
            next_attempt_at: at(retryDelay(attempts, backoffMs, maxBackoffMs)),
            last_error: message,
          })
          .where('id', '=', row.id),
      );
      logger.warn({ mailId: row.id, attempts, err: message }, 'mail not accepted; will retry');
      return false;
    }
    // Accepted: sent, and the text is no longer kept.
    await q.run((db) =>
      db
        .updateTable('mail_outbox')
        .set({ sent_at: at(), body: '', last_error: null })
        .where('id', '=', row.id),
    );
    return true;
  }

  async function drainOnce() {
    const result = { sent: [] as string[], failed: [] as string[] };
    for (let i = 0; i < batch; i += 1) {
      const row = await take();
      if (!row) break;
      ((await deliver(row)) ? result.sent : result.failed).push(row.id);
    }
    return result;
  }

  const worker = periodic(drainOnce, {
    intervalMs: options.intervalMs,
    logger,
    failure: 'mail worker failed',
  });
  return { drain: worker.run, stop: worker.stop };
}
