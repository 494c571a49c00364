import {
  bundlePrice,
  evaluateDeposit,
  assessCard,
  issueTemporaryPassword,
  recordLoginAttempt,
  redeemTemporaryPassword,
  unlockAccount,
} from '../../domain';
import type { z } from 'zod';
import type {
  CustomerDepositRequestSchema,
  CustomerMailRequestSchema,
  CustomerStampPurchaseRequestSchema,
  LoginResponse,
  RegisterRequestSchema,
  ResidentLookupResponse,
} from '../protocol';
import { UNMATCHABLE_HASH, hashSecret, newToken, tokenHash, verifySecret } from './auth/secrets';
import { openChargebacks } from './chargebacks';
import { makeDeposit } from './deposits';
import { loadFacility } from './facilities';
import { HttpError } from './http/errors';
import { credit, debit } from './ledger';
import { insertMessage, priceMessage, requireUploaded } from './mail';
import { publishContact } from './publish';
import { reject } from './rejection';
import { isContact } from './residents';
import type { Storage } from './storage/types';
import { inWork, type Clock, type Work } from './work';
import { audit } from './audit';
import { uploaderKey } from './blob-access';

/**
 * Customers (family and friends): find a resident, register, log in with lockout, recover a
 * password, and then write, buy stamps and deposit. Passwords are scrypt hashes; sessions are
 * random tokens stored as sha256.
 */

export const SESSION_HOURS = 12;

interface CustomerRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  failed_logins: number;
  locked_at: string | null;
  [key: string]: unknown;
}

export interface CustomerSession {
  customerId: string;
  mustChangePassword: boolean;
}

export async function lookupResident(
  storage: Storage,
  state: string,
  docNumber: string,
): Promise<ResidentLookupResponse> {
  const row = await storage.get<{
    id: string;
    first_name: string;
    last_name: string;
    doc_number: string;
    state: string;
    config: string;
  }>(
    `SELECT r.id, r.first_name, r.last_name, r.doc_number, r.state, f.config FROM residents r
     JOIN facilities f ON f.id = r.facility_id WHERE r.state = ? AND r.doc_number = ?`,
    [state, docNumber],
  );
  if (!row) throw new HttpError(404, 'not_found', 'no resident with this state and DOC number');
  return {
    residentId: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    docNumber: row.doc_number,
    state: row.state,
    facilityName: (JSON.parse(row.config) as { name: string }).name,
  };
}

export async function registerCustomer(
  storage: Storage,
  clock: Clock,
  input: z.infer<typeof RegisterRequestSchema>,
): Promise<string> {
  const passwordHash = await hashSecret(input.password);
  return inWork(storage, clock, async (work) => {
    if (await work.tx.get('SELECT 1 AS yes FROM customers WHERE email = ?', [input.email])) {
      throw new HttpError(409, 'conflict', 'an account with this email exists');
    }
    if (!(await work.tx.get('SELECT 1 AS yes FROM residents WHERE id = ?', [input.residentId]))) {
      throw new HttpError(404, 'not_found', 'no such resident');
    }
    const id = crypto.randomUUID();
    await work.tx.run(
      `INSERT INTO customers (id, email, display_name, password_hash, terms_version, terms_accepted_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.email,
        input.displayName,
        passwordHash,
        input.acceptedTermsVersion,
        work.now,
        work.now,
      ],
    );
    await linkResident(work, id, input.residentId);
    await audit(work, `customer:${id}`, 'customer.register', 'customer', id, {
      termsVersion: input.acceptedTermsVersion,
    });
    return id;
  });
}

export async function linkResident(
  work: Work,
  customerId: string,
  residentId: string,
): Promise<void> {
  if (!(await work.tx.get('SELECT 1 AS yes FROM residents WHERE id = ?', [residentId]))) {
    reject('not_found', 'no such resident');
  }
  await work.tx.run(
    'INSERT INTO customer_residents (customer_id, resident_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
    [customerId, residentId],
  );
  await publishContact(work, residentId, customerId);
}

async function openTemporaryPasswords(storage: Storage, customerId: string, now: string) {
  return storage.all<{
    id: string;
    password_hash: string;
    issued_at: string;
    expires_at: string;
    used_at: string | null;
  }>(
    'SELECT * FROM temporary_passwords WHERE customer_id = ? AND used_at IS NULL AND expires_at > ?',
    [customerId, now],
  );
}

/** The one answer to an unknown email and to a wrong password. */
function wrongCredentials(): HttpError {
  return new HttpError(401, 'unauthorized', 'wrong email or password');
}

/** Login with the domain's lockout: 5 wrong in a row lock the account until staff unlock it. */
export async function login(
  storage: Storage,
  clock: Clock,
  email: string,
  password: string,
): Promise<LoginResponse> {
  const customer = await storage.get<CustomerRow>('SELECT * FROM customers WHERE email = ?', [
    email,
  ]);
  if (!customer) {
    // The same scrypt and the same answer as a wrong password: nothing tells that no account exists.
    await verifySecret(password, UNMATCHABLE_HASH);
    throw wrongCredentials();
  }
  if (customer.locked_at)
    throw new HttpError(
      423,
      'locked',
      'this account is locked: ask for a temporary password or contact support',
    );
  const now = clock().toISOString();
  let temporaryId: string | null = null;
  let correct = await verifySecret(password, customer.password_hash);
  if (!correct) {
    for (const temporary of await openTemporaryPasswords(storage, customer.id, now)) {
      if (await verifySecret(password, temporary.password_hash)) {
        temporaryId = temporary.id;
        correct = true;
        break;
      }
    }
  }
  return inWork(storage, clock, async (work) => {
    const current = await work.tx.get<CustomerRow>(
      `SELECT * FROM customers WHERE id = ?${work.tx.forUpdate}`,
      [customer.id],
    );
    if (!current) throw wrongCredentials();
    if (temporaryId) {
      const grant = await work.tx.get<{
        issued_at: string;
        expires_at: string;
        used_at: string | null;
      }>(
        `SELECT issued_at, expires_at, used_at FROM temporary_passwords WHERE id = ?${work.tx.forUpdate}`,
        [temporaryId],
      );
      const redeemed = grant
        ? redeemTemporaryPassword(
            { issuedAt: grant.issued_at, expiresAt: grant.expires_at, usedAt: grant.used_at },
            work.now,
          )
        : null;
      if (!redeemed?.ok)
        throw new HttpError(401, 'unauthorized', 'this temporary password is used or expired');
      await work.tx.run('UPDATE temporary_passwords SET used_at = ? WHERE id = ?', [
        redeemed.value.usedAt,
        temporaryId,
      ]);
    }
    const attempt = temporaryId
      ? { outcome: 'accepted' as const, state: unlockAccount(), attemptsLeft: 0 }
      : recordLoginAttempt(
          { failedAttempts: current.failed_logins, lockedAt: current.locked_at },
          correct,
          work.now,
        );
    await work.tx.run('UPDATE customers SET failed_logins = ?, locked_at = ? WHERE id = ?', [
      attempt.state.failedAttempts,
      attempt.state.lockedAt,
      current.id,
    ]);
    if (attempt.outcome === 'locked_now') {
      await audit(work, 'system', 'customer.locked', 'customer', current.id, {});
    }
    if (attempt.outcome !== 'accepted') return attempt;
    const token = newToken();
    const expiresAt = new Date(clock().getTime() + SESSION_HOURS * 3_600_000).toISOString();
    await work.tx.run(
      'INSERT INTO customer_sessions (token_hash, customer_id, expires_at, must_change_password) VALUES (?, ?, ?, ?)',
      [tokenHash(token), current.id, expiresAt, temporaryId ? 1 : 0],
    );
    return { token, customerId: current.id, expiresAt, mustChangePassword: temporaryId !== null };
  }).then((result) => {
    if ('token' in result) return result;
    // The failed attempt is committed before answering, so the count survives.
    // No count of tries left: it would tell an existing account from an unknown email.
    if (result.outcome === 'wrong') throw wrongCredentials();
    throw new HttpError(423, 'locked', 'too many wrong passwords: this account is now locked');
  });
}

/** Always answers the same way, whether or not the email has an account. */
export async function forgotPassword(storage: Storage, clock: Clock, email: string): Promise<void> {
  const customer = await storage.get<CustomerRow>('SELECT * FROM customers WHERE email = ?', [
    email,
  ]);
  if (!customer) return;
  const temporary = newToken().slice(0, 16);
  const passwordHash = await hashSecret(temporary);
  await inWork(storage, clock, async (work) => {
    const grant = issueTemporaryPassword(work.now);
    if (!grant.ok) throw new Error(grant.error.message);
    await work.tx.run(
      'INSERT INTO temporary_passwords (id, customer_id, password_hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      [crypto.randomUUID(), customer.id, passwordHash, grant.value.issuedAt, grant.value.expiresAt],
    );
    // The outbox is the mail gateway's queue; the temporary password is single use and short-lived.
    await work.tx.run(
      'INSERT INTO mail_outbox (id, to_email, subject, body, created_at) VALUES (?, ?, ?, ?, ?)',
      [
        crypto.randomUUID(),
        customer.email,
        'Homeline: your temporary password / su contraseña temporal',
        [
          `Your temporary password is ${temporary}. It works once, until ${grant.value.expiresAt} (UTC). Log in with it and choose a new password.`,
          `Su contraseña temporal es ${temporary}. Sirve una sola vez, hasta ${grant.value.expiresAt} (UTC). Inicie sesión con ella y elija una contraseña nueva.`,
        ].join('\n\n'),
        work.now,
      ],
    );
  });
}

export async function customerSession(
  storage: Storage,
  clock: Clock,
  token: string,
): Promise<CustomerSession> {
  const row = await storage.get<{
    customer_id: string;
    expires_at: string;
    must_change_password: number;
    locked_at: string | null;
  }>(
    `SELECT s.customer_id, s.expires_at, s.must_change_password, c.locked_at FROM customer_sessions s
     JOIN customers c ON c.id = s.customer_id WHERE s.token_hash = ?`,
    [tokenHash(token)],
  );
  if (!row || row.expires_at <= clock().toISOString())
    throw new HttpError(401, 'unauthorized', 'log in again');
  if (row.locked_at) throw new HttpError(423, 'locked', 'this account is locked');
  return { customerId: row.customer_id, mustChangePassword: row.must_change_password === 1 };
}

export async function changePassword(
  storage: Storage,
  clock: Clock,
  session: CustomerSession,
  token: string,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const customer = await storage.get<CustomerRow>('SELECT * FROM customers WHERE id = ?', [
    session.customerId,
  ]);
  if (!customer) throw new HttpError(401, 'unauthorized', 'log in again');
  if (
    !session.mustChangePassword &&
    !(await verifySecret(currentPassword, customer.password_hash))
  ) {
    throw new HttpError(401, 'unauthorized', 'the current password is wrong');
  }
  const passwordHash = await hashSecret(newPassword);
  await inWork(storage, clock, async (work) => {
    await work.tx.run(
      'UPDATE customers SET password_hash = ?, failed_logins = 0, locked_at = NULL WHERE id = ?',
      [passwordHash, customer.id],
    );
    await work.tx.run(
      'UPDATE customer_sessions SET must_change_password = 0 WHERE token_hash = ?',
      [tokenHash(token)],
    );
    await audit(
      work,
      `customer:${customer.id}`,
      'customer.password_changed',
      'customer',
      customer.id,
      {},
    );
  });
}

async function requireContact(work: Work, customerId: string, residentId: string) {
  if (!(await isContact(work.tx, residentId, customerId)))
    reject('forbidden', 'this resident is not on your account');
  const row = await work.tx.get<{ facility_id: string }>(
    'SELECT facility_id FROM residents WHERE id = ?',
    [residentId],
  );
  if (!row) reject('not_found', 'no such resident');
  return loadFacility(work.tx, row.facility_id);
}

/** A customer writes to a resident, paying stamps for the message and any prepaid reply stamps. */
export async function customerSendMail(
  work: Work,
  customerId: string,
  input: z.infer<typeof CustomerMailRequestSchema>,
) {
  const facility = await requireContact(work, customerId, input.residentId);
  if (input.prepaidReplyStamps > 0 && !facility.prepaidReplyStamps) {
    reject('feature_not_offered', 'this facility does not allow prepaid reply stamps');
  }
  const cost = priceMessage(facility, 'email', input.attachments);
  await requireUploaded(work, input.attachments, {
    uploaderKey: uploaderKey({ kind: 'customer', customerId }),
    messageId: input.messageId,
  });
  await debit(work, {
    owner: { type: 'customer', id: customerId },
    account: 'stamps',
    amount: cost + input.prepaidReplyStamps,
    kind: 'mail_send',
    reference: input.messageId,
  });
  await insertMessage(work, {
    id: input.messageId,
    facility,
    residentId: input.residentId,
    customerId,
    direction: 'inbound',
    kind: 'email',
    subject: input.subject,
    body: input.body,
    attachments: input.attachments,
    stampsCharged: cost,
    prepaidUsed: 0,
    prepaidAttached: input.prepaidReplyStamps,
  });
  // Prepaid reply stamps reach the resident when review releases the message (review.ts).
  const message = await work.tx.get<{ status: string; expected_by: string }>(
    'SELECT status, expected_by FROM messages WHERE id = ?',
    [input.messageId],
  );
  return {
    messageId: input.messageId,
    stampsCharged: cost,
    status: message?.status ?? 'in_review',
    expectedDeliveryBy: message?.expected_by ?? work.now,
  };
}

/** A customer buys stamps by card (token only), priced by the resident's facility. */
export async function customerBuyStamps(
  work: Work,
  customerId: string,
  input: z.infer<typeof CustomerStampPurchaseRequestSchema>,
) {
  const facility = await requireContact(work, customerId, input.residentId);
  const card = assessCard(input.card);
  if (!card.ok) reject('invalid_args', card.error.message);
  const decision = evaluateDeposit(await openChargebacks(work.tx, customerId, input.residentId), {
    customerId,
    residentId: input.residentId,
    channel: 'bank_card',
  });
  if (decision.reasons.some((reason) => reason.code === 'customer_card_chargeback')) {
    reject('blocked', 'bank-card purchases are blocked by an open chargeback');
  }
  const quote = bundlePrice(facility, input.bundleId, work.now);
  if (!quote.ok) reject('not_found', quote.error.message);
  const owner = { type: 'customer' as const, id: customerId };
  await credit(work, {
    owner,
    account: 'stamps',
    amount: quote.value.bundle.stamps,
    kind: 'stamp_purchase',
    reference: input.purchaseId,
  });
  const balance = await work.tx.get<{ stamps: number }>(
    "SELECT stamps FROM balances WHERE owner_type = 'customer' AND owner_id = ?",
    [customerId],
  );
  return {
    purchaseId: input.purchaseId,
    stamps: quote.value.bundle.stamps,
    priceCents: quote.value.priceCents,
    stampBalance: balance?.stamps ?? 0,
  };
}

export async function customerDeposit(
  work: Work,
  customerId: string,
  input: z.infer<typeof CustomerDepositRequestSchema>,
) {
  const facility = await requireContact(work, customerId, input.residentId);
  return makeDeposit(work, facility, {
    depositId: input.depositId,
    residentId: input.residentId,
    customerId,
    channel: input.channel,
    amountCents: input.amountCents,
    card: input.channel === 'bank_card' ? input.card : undefined,
    reference: input.channel === 'bank_card' ? undefined : input.reference,
    expectedFeeCents: input.expectedFeeCents,
  });
}
