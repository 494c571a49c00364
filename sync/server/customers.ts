import {
  bundlePrice,
  evaluateDeposit,
  assessCard,
  issueTemporaryPassword,
  redeemTemporaryPassword,
} from '../../domain';
import type { z } from 'zod';
import {
  MessageDataSchema,
  type CustomerDepositRequest,
  type CustomerMailRequestSchema,
  type CustomerStampPurchaseRequestSchema,
  type LoginResponse,
  type RegisterRequestSchema,
  type ResidentLookupResponse,
} from '../protocol';
import { clearFailures, recordAttempt } from './auth/login-failures';
import { UNMATCHABLE_HASH, hashSecret, newToken, tokenHash, verifySecret } from './auth/secrets';
import { openChargebacks } from './chargebacks';
import { insertDepositRecord, makeDeposit } from './deposits';
import { loadFacility } from './facilities';
import { HttpError } from './http/errors';
import { credit, debit } from './ledger';
import { insertMessage, priceMessage, requireUploaded } from './mail';
import { publishContact } from './publish';
import { reject } from './rejection';
import { isContact } from './residents';
import { typed } from './storage/typed';
import type { Storage } from './storage/types';
import { inWork, type Clock, type Work } from './work';
import { audit } from './audit';
import { recordCharge, type ChargeState } from './money/card-charges';
import type { CapturedCharge, ProcessorCard } from './money/payments';
import { recordStampLot } from './money/stamp-refunds';
import { uploaderKey } from './blob-access';

/**
 * Customers (family and friends): find a resident, register, log in with lockout, recover a
 * password, and then write, buy stamps and deposit. Passwords are scrypt hashes; sessions are
 * random tokens stored as sha256.
 */

const SESSION_HOURS = 12;

export interface CustomerSession {
  customerId: string;
  mustChangePassword: boolean;
}

export async function lookupResident(
  storage: Storage,
  state: string,
  docNumber: string,
): Promise<ResidentLookupResponse> {
  const row = await typed(storage).first((db) =>
    db
      .selectFrom('residents as r')
      .innerJoin('facilities as f', 'f.id', 'r.facility_id')
      .select(['r.id', 'r.first_name', 'r.last_name', 'r.doc_number', 'r.state', 'f.config'])
      .where('r.state', '=', state)
      .where('r.doc_number', '=', docNumber),
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

/**
 * Registration answers the same whether or not the email has an account (the caller learns
 * nothing): a new email gets its account and a welcome mail; a known one gets a mail to its owner
 * saying someone tried, and no change. Both paths spend the same scrypt and write one mail.
 */
export async function registerCustomer(
  storage: Storage,
  clock: Clock,
  input: z.infer<typeof RegisterRequestSchema>,
): Promise<void> {
  const passwordHash = await hashSecret(input.password);
  await inWork(storage, clock, async (work) => {
    const q = typed(work.tx);
    if (!(await residentExists(work, input.residentId))) {
      throw new HttpError(404, 'not_found', 'no such resident');
    }
    const known = await q.first((db) =>
      db.selectFrom('customers').select('id').where('email', '=', input.email),
    );
    if (known) {
      await queueMail(work, input.email, ACCOUNT_EXISTS_MAIL);
      return;
    }
    const id = crypto.randomUUID();
    await q.run((db) =>
      db.insertInto('customers').values({
        id,
        email: input.email,
        display_name: input.displayName,
        password_hash: passwordHash,
        terms_version: input.acceptedTermsVersion,
        terms_accepted_at: work.now,
        created_at: work.now,
      }),
    );
    await linkResident(work, id, input.residentId);
    await queueMail(work, input.email, WELCOME_MAIL);
    await audit(work, `customer:${id}`, 'customer.register', 'customer', id, {
      termsVersion: input.acceptedTermsVersion,
    });
  });
}

interface OutgoingMail {
  subject: string;
  body: string;
}

const WELCOME_MAIL: OutgoingMail = {
  subject: 'Homeline: welcome / bienvenido',
  body: [
    'Your Homeline account is ready. Log in with this email and the password you chose.',
    'Su cuenta de Homeline está lista. Inicie sesión con este correo y la contraseña que eligió.',
  ].join('\n\n'),
};

const ACCOUNT_EXISTS_MAIL: OutgoingMail = {
  subject: 'Homeline: someone tried to register / alguien intentó registrarse',
  body: [
    'Someone tried to open a Homeline account with this email, which already has one. If it was you, log in or ask for a temporary password. Nothing was changed.',
    'Alguien intentó abrir una cuenta de Homeline con este correo, que ya tiene una. Si fue usted, inicie sesión o pida una contraseña temporal. No se cambió nada.',
  ].join('\n\n'),
};

/** Queues a mail for the outgoing-mail worker, in the same transaction as what it reports. */
async function queueMail(work: Work, to: string, mail: OutgoingMail): Promise<void> {
  await typed(work.tx).run((db) =>
    db.insertInto('mail_outbox').values({
      id: crypto.randomUUID(),
      to_email: to,
      subject: mail.subject,
      body: mail.body,
      created_at: work.now,
    }),
  );
}

async function residentExists(work: Work, residentId: string): Promise<boolean> {
  const row = await typed(work.tx).first((db) =>
    db.selectFrom('residents').select('id').where('id', '=', residentId),
  );
  return row !== undefined;
}

export async function linkResident(
  work: Work,
  customerId: string,
  residentId: string,
): Promise<void> {
  if (!(await residentExists(work, residentId))) reject('not_found', 'no such resident');
  await typed(work.tx).run((db) =>
    db
      .insertInto('customer_residents')
      .values({ customer_id: customerId, resident_id: residentId })
      .onConflict((oc) => oc.doNothing()),
  );
  await publishContact(work, residentId, customerId);
}

/** The customer's one open temporary password (a new one closes the older ones). */
async function openTemporaryPassword(storage: Storage, customerId: string, now: string) {
  return typed(storage).first((db) =>
    db
      .selectFrom('temporary_passwords')
      .select(['id', 'password_hash'])
      .where('customer_id', '=', customerId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('issued_at', 'desc')
      .limit(1),
  );
}

/** The one answer to an unknown email and to a wrong password. */
function wrongCredentials(): HttpError {
  return new HttpError(401, 'unauthorized', 'wrong email or password');
}

function lockedHere(): HttpError {
  return new HttpError(
    423,
    'locked',
    'too many wrong passwords from here: ask for a temporary password or contact support',
  );
}

/**
 * What an email's failures are counted under: its account, or (no account) the email itself, so
 * an unknown email locks after five tries from one address exactly like a known one.
 */
function loginAccountKey(customerId: string | undefined, email: string): string {
  return customerId ? `customer:${customerId}` : `email:${tokenHash(email.toLowerCase())}`;
}

/**
 * Login with the domain's lockout, counted per account and source address: five wrong passwords
 * from one address lock that address out of that account (the owner elsewhere is unaffected). A
 * valid temporary password always works, locked or not: it proves the caller reads the mailbox.
 */
export async function login(
  storage: Storage,
  clock: Clock,
  email: string,
  password: string,
  source: string,
): Promise<LoginResponse> {
  const customer = await typed(storage).first((db) =>
    db.selectFrom('customers').selectAll().where('email', '=', email),
  );
  const account = loginAccountKey(customer?.id, email);
  const now = clock().toISOString();
  // The same scrypt for an unknown email as for a wrong password: time tells nothing.
  const correct = await verifySecret(password, customer?.password_hash ?? UNMATCHABLE_HASH);
  const temporary =
    customer && !correct ? await openTemporaryPassword(storage, customer.id, now) : undefined;
  const temporaryId =
    temporary && (await verifySecret(password, temporary.password_hash)) ? temporary.id : null;
  const result = await inWork(storage, clock, async (work) => {
    if (temporaryId && customer) {
      const q = typed(work.tx);
      const grant = await q.first((db) =>
        db
          .selectFrom('temporary_passwords')
          .select(['issued_at', 'expires_at', 'used_at'])
          .where('id', '=', temporaryId)
          .$call(q.lockRows),
      );
      const redeemed = grant
        ? redeemTemporaryPassword(
            { issuedAt: grant.issued_at, expiresAt: grant.expires_at, usedAt: grant.used_at },
            work.now,
          )
        : null;
      if (!redeemed?.ok) throw wrongCredentials();
      await q.run((db) =>
        db
          .updateTable('temporary_passwords')
          .set({ used_at: redeemed.value.usedAt })
          .where('id', '=', temporaryId),
      );
      await clearFailures(work, account);
      return openSession(work, clock, customer.id, true);
    }
    const attempt = await recordAttempt(work, account, source, correct && customer !== undefined);
    if (attempt.outcome === 'locked_now' && customer) {
      await audit(work, 'system', 'customer.locked', 'customer', customer.id, { source });
    }
    if (attempt.outcome !== 'accepted' || !customer) return attempt.outcome;
    return openSession(work, clock, customer.id, false);
  });
  if (typeof result !== 'string') return result;
  // The failed attempt is committed before answering, so the count survives.
  // No count of tries left: it would tell an existing account from an unknown email.
  if (result === 'wrong') throw wrongCredentials();
  throw lockedHere();
}

async function openSession(
  work: Work,
  clock: Clock,
  customerId: string,
  mustChangePassword: boolean,
): Promise<LoginResponse> {
  const token = newToken();
  const expiresAt = new Date(clock().getTime() + SESSION_HOURS * 3_600_000).toISOString();
  await typed(work.tx).run((db) =>
    db.insertInto('customer_sessions').values({
      token_hash: tokenHash(token),
      customer_id: customerId,
      expires_at: expiresAt,
      must_change_password: mustChangePassword ? 1 : 0,
    }),
  );
  return { token, customerId, expiresAt, mustChangePassword };
}

/** A new temporary password for one email at most this often; in between, asking does nothing. */
const TEMPORARY_PASSWORD_COOLDOWN_MS = 5 * 60_000;

/**
 * Always answers the same way and in the same time, whether or not the email has an account:
 * both paths hash a fresh password and commit one write (the request time per email, hashed).
 * Asked again within the cooldown, nothing is issued or mailed (the first mail still works), so
 * repeating it neither floods the owner's mailbox nor piles up passwords their login must try:
 * a new temporary password closes the older ones. Only its scrypt hash is stored; the mail to the
 * owner carries it to the outgoing-mail worker.
 */
export async function forgotPassword(storage: Storage, clock: Clock, email: string): Promise<void> {
  const temporary = newToken().slice(0, 16);
  const passwordHash = await hashSecret(temporary);
  await inWork(storage, clock, async (work) => {
    const q = typed(work.tx);
    const emailHash = tokenHash(email.toLowerCase());
    const last = await q.first((db) =>
      db
        .selectFrom('password_resets')
        .select('requested_at')
        .where('email_hash', '=', emailHash)
        .$call(q.lockRows),
    );
    if (
      last &&
      Date.parse(last.requested_at) + TEMPORARY_PASSWORD_COOLDOWN_MS > Date.parse(work.now)
    )
      return;
    await q.run((db) =>
      db
        .insertInto('password_resets')
        .values({ email_hash: emailHash, requested_at: work.now })
        .onConflict((oc) =>
          oc
            .column('email_hash')
            .doUpdateSet((eb) => ({ requested_at: eb.ref('excluded.requested_at') })),
        ),
    );
    const customer = await q.first((db) =>
      db.selectFrom('customers').select(['id', 'email']).where('email', '=', email),
    );
    if (!customer) return;
    const grant = issueTemporaryPassword(work.now);
    if (!grant.ok) throw new Error(grant.error.message);
    await q.run((db) =>
      db
        .updateTable('temporary_passwords')
        .set({ used_at: work.now })
        .where('customer_id', '=', customer.id)
        .where('used_at', 'is', null),
    );
    await q.run((db) =>
      db.insertInto('temporary_passwords').values({
        id: crypto.randomUUID(),
        customer_id: customer.id,
        password_hash: passwordHash,
        issued_at: grant.value.issuedAt,
        expires_at: grant.value.expiresAt,
      }),
    );
    await queueMail(work, customer.email, {
      subject: 'Homeline: your temporary password / su contraseña temporal',
      body: [
        `Your temporary password is ${temporary}. It works once, until ${grant.value.expiresAt} (UTC). Log in with it and choose a new password.`,
        `Su contraseña temporal es ${temporary}. Sirve una sola vez, hasta ${grant.value.expiresAt} (UTC). Inicie sesión con ella y elija una contraseña nueva.`,
      ].join('\n\n'),
    });
  });
}

export async function customerSession(
  storage: Storage,
  clock: Clock,
  token: string,
): Promise<CustomerSession> {
  const row = await typed(storage).first((db) =>
    db
      .selectFrom('customer_sessions')
      .select(['customer_id', 'expires_at', 'must_change_password'])
      .where('token_hash', '=', tokenHash(token)),
  );
  if (!row || row.expires_at <= clock().toISOString())
    throw new HttpError(401, 'unauthorized', 'log in again');
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
  const customer = await typed(storage).first((db) =>
    db.selectFrom('customers').selectAll().where('id', '=', session.customerId),
  );
  if (!customer) throw new HttpError(401, 'unauthorized', 'log in again');
  if (
    !session.mustChangePassword &&
    !(await verifySecret(currentPassword, customer.password_hash))
  ) {
    throw new HttpError(401, 'unauthorized', 'the current password is wrong');
  }
  const passwordHash = await hashSecret(newPassword);
  await inWork(storage, clock, async (work) => {
    const q = typed(work.tx);
    await q.run((db) =>
      db
        .updateTable('customers')
        .set({ password_hash: passwordHash })
        .where('id', '=', customer.id),
    );
    await clearFailures(work, `customer:${customer.id}`);
    await q.run((db) =>
      db
        .updateTable('customer_sessions')
        .set({ must_change_password: 0 })
        .where('token_hash', '=', tokenHash(token)),
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

export async function requireContact(work: Work, customerId: string, residentId: string) {
  if (!(await isContact(work.tx, residentId, customerId)))
    reject('forbidden', 'this resident is not on your account');
  const row = await typed(work.tx).first((db) =>
    db.selectFrom('residents').select('facility_id').where('id', '=', residentId),
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
  // Stamps of the recipient's agency pay (prices and contracts differ by agency).
  await debit(work, {
    owner: { type: 'customer', id: customerId, agency: facility.state },
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
  const message = await typed(work.tx).first((db) =>
    db.selectFrom('messages').select(['status', 'expected_by']).where('id', '=', input.messageId),
  );
  return {
    messageId: input.messageId,
    stampsCharged: cost,
    status: message ? MessageDataSchema.shape.status.parse(message.status) : 'in_review',
    expectedDeliveryBy: message?.expected_by ?? work.now,
  };
}

/** A customer's captured charge, kept as booked by the purchase or deposit keyed `key`. */
async function keepCustomerCharge(
  work: Work,
  customerId: string,
  residentId: string,
  key: string,
  charge: CapturedCharge | undefined,
): Promise<void> {
  if (!charge) return;
  await recordCharge(work, {
    charge,
    paymentKey: key,
    payer: `customer:${customerId}`,
    residentId,
    claimedBy: key,
  });
}

/** What a card booking knows: the processor's card, and the captured charge (not in the dry run). */
export interface CardPaid {
  card: ProcessorCard;
  state: ChargeState;
}

/**
 * A customer buys stamps by card, priced by the resident's facility. Booked only with the captured
 * charge for exactly the price (money/card-charges.ts runs it first as a dry run to learn it), and
 * recorded like a deposit so a dispute finds it.
 */
export async function customerBuyStamps(
  work: Work,
  customerId: string,
  input: z.infer<typeof CustomerStampPurchaseRequestSchema>,
  paid: CardPaid,
) {
  const facility = await requireContact(work, customerId, input.residentId);
  const card = assessCard(paid.card);
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
  if (
    input.expectedPriceCents !== undefined &&
    input.expectedPriceCents !== quote.value.priceCents
  ) {
    reject('price_changed', `the bundle now costs ${quote.value.priceCents} cents`);
  }
  const charge = paid.state.dryRun ? undefined : paid.state.charge;
  if (charge && charge.amountCents !== quote.value.priceCents) {
    reject('payment_required', `the charge was ${charge.amountCents} cents, not the price`);
  }
  await insertDepositRecord(work, {
    id: input.purchaseId,
    residentId: input.residentId,
    payer: customerId,
    channel: 'bank_card',
    amountCents: quote.value.priceCents,
    feeCents: 0,
    card: paid.card,
    charge,
    reference: `stamps.purchase ${input.purchaseId}`,
  });
  await keepCustomerCharge(work, customerId, input.residentId, input.purchaseId, charge);
  // Stamps are kept for the agency of the facility whose price was paid.
  const agency = facility.state;
  await credit(work, {
    owner: { type: 'customer', id: customerId, agency },
    account: 'stamps',
    amount: quote.value.bundle.stamps,
    kind: 'stamp_purchase',
    reference: input.purchaseId,
  });
  if (charge) {
    await recordStampLot(work, {
      purchaseId: input.purchaseId,
      customerId,
      agency,
      stamps: quote.value.bundle.stamps,
      charge,
    });
  }
  const balance = await typed(work.tx).first((db) =>
    db
      .selectFrom('customer_stamps')
      .select('stamps')
      .where('customer_id', '=', customerId)
      .where('agency', '=', agency),
  );
  return {
    purchaseId: input.purchaseId,
    stamps: quote.value.bundle.stamps,
    priceCents: quote.value.priceCents,
    agency,
    stampBalance: balance?.stamps ?? 0,
  };
}

/** A customer's card deposit: booked only with the captured charge for amount plus fee. */
export async function customerCardDeposit(
  work: Work,
  customerId: string,
  input: Extract<CustomerDepositRequest, { channel: 'bank_card' }>,
  paid: CardPaid,
) {
  const facility = await requireContact(work, customerId, input.residentId);
  const charge = paid.state.dryRun ? undefined : paid.state.charge;
  const answer = await makeDeposit(work, facility, {
    depositId: input.depositId,
    residentId: input.residentId,
    customerId,
    channel: 'bank_card',
    amountCents: input.amountCents,
    card: paid.card,
    charge,
    expectedFeeCents: input.expectedFeeCents,
  });
  await keepCustomerCharge(work, customerId, input.residentId, input.depositId, charge);
  return answer;
}
