import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { STAFF_ROLES, type StaffRole } from '../../domain';
import { UNMATCHABLE_HASH, hashSecret, newToken, tokenHash, verifySecret } from './auth/secrets';
import { lockoutState, recordAttempt } from './auth/login-failures';
import { audit } from './audit';
import { HttpError } from './http/errors';
import { typed } from './storage/typed';
import type { Queryable, Storage } from './storage/types';
import { inWork, type Clock, type Work } from './work';

/**
 * Staff and IT accounts: one per person, a scrypt password plus a TOTP second factor (RFC 6238,
 * 6 digits, 30 s; a code is accepted once), roles granted per facility (`*` = every facility, for
 * the deployment's IT). Sessions live on the server: the browser holds a random token in an
 * httpOnly, Secure, SameSite=Strict cookie, and every state-changing call also sends the session's
 * CSRF token in a header. A session ends after 30 idle minutes, 12 hours in all, at logout, when
 * revoked, or when the account is disabled.
 */

export const ALL_FACILITIES = '*';
const STAFF_SESSION_IDLE_MS = 30 * 60_000;
export const STAFF_SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** The last-seen instant is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export interface StaffGrant {
  role: StaffRole;
  /** A facility id, or `*` for every facility. */
  facilityId: string;
}

export interface StaffSession {
  staffId: string;
  name: string;
  email: string;
  sessionId: string;
  grants: StaffGrant[];
}

export function totpFor(secretBase32: string, email: string): TOTP {
  return new TOTP({
    issuer: 'Homeline',
    label: email,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secretBase32),
  });
}

export interface NewStaffMember {
  email: string;
  name: string;
  grants: readonly StaffGrant[];
  /** Fixed credentials, for the demo seed only; otherwise both are random. */
  demoCredentials?: { password: string; totpSecret: string };
}

/** What IT hands the new member once, out of band; only hashes and the TOTP key are kept. */
export interface CreatedStaffMember {
  staffId: string;
  initialPassword: string;
  totpSecret: string;
  otpauthUri: string;
}

export async function createStaffMember(
  work: Work,
  input: NewStaffMember,
): Promise<CreatedStaffMember> {
  const email = input.email.trim().toLowerCase();
  const q = typed(work.tx);
  const existing = await q.first((db) =>
    db.selectFrom('staff_members').select('id').where('email', '=', email),
  );
  if (existing) throw new HttpError(409, 'conflict', 'a staff member with this email exists');
  const staffId = crypto.randomUUID();
  const initialPassword = input.demoCredentials?.password ?? randomBytes(12).toString('base64url');
  const totpSecret = input.demoCredentials?.totpSecret ?? new Secret({ size: 20 }).base32;
  const passwordHash = await hashSecret(initialPassword);
  await q.run((db) =>
    db.insertInto('staff_members').values({
      id: staffId,
      email,
      name: input.name,
      password_hash: passwordHash,
      totp_secret: totpSecret,
      created_at: work.now,
    }),
  );
  for (const grant of input.grants) {
    await q.run((db) =>
      db
        .insertInto('staff_grants')
        .values({ staff_id: staffId, role: grant.role, facility_id: grant.facilityId })
        .onConflict((oc) => oc.doNothing()),
    );
  }
  return {
    staffId,
    initialPassword,
    totpSecret,
    otpauthUri: totpFor(totpSecret, email).toString(),
  };
}

/** Whether any IT admin exists yet (the CLI bootstraps the first one only). */
async function hasItAdmin(queryable: Queryable): Promise<boolean> {
  const admin = await typed(queryable).first((db) =>
    db
      .selectFrom('staff_grants as g')
      .innerJoin('staff_members as m', 'm.id', 'g.staff_id')
      .select('g.staff_id')
      .where('g.role', '=', 'it_admin')
      .where('m.disabled_at', 'is', null),
  );
  return admin !== undefined;
}

export async function grantsOf(queryable: Queryable, staffId: string): Promise<StaffGrant[]> {
  const rows = await typed(queryable).all((db) =>
    db
      .selectFrom('staff_grants')
      .select(['role', 'facility_id'])
      .where('staff_id', '=', staffId)
      .orderBy('role')
      .orderBy('facility_id'),
  );
  return rows
    .filter((row): row is { role: StaffRole; facility_id: string } =>
      (STAFF_ROLES as readonly string[]).includes(row.role),
    )
    .map((row) => ({ role: row.role, facilityId: row.facility_id }));
}

export interface StaffLoginInput {
  email: string;
  password: string;
  code: string;
  source: string;
  userAgent: string;
}

export interface StaffLoginResult {
  token: string;
  csrfToken: string;
  session: StaffSession;
  expiresAt: string;
}

/** The one answer to an unknown email, a wrong password and a wrong code. */
function wrongStaffCredentials(): HttpError {
  return new HttpError(401, 'unauthorized', 'wrong email, password or code');
}

function lockedHere(): HttpError {
  return new HttpError(423, 'locked', 'too many wrong tries from here: ask IT to unlock');
}

/** Which TOTP step `code` is for (a step before or after now is allowed), or null. */
function totpStep(secret: string, email: string, code: string, now: Date): number | null {
  const delta = totpFor(secret, email).validate({
    token: code,
    timestamp: now.getTime(),
    window: 1,
  });
  return delta === null ? null : Math.floor(now.getTime() / 30_000) + delta;
}

export async function staffLogin(
  storage: Storage,
  clock: Clock,
  input: StaffLoginInput,
): Promise<StaffLoginResult> {
  const email = input.email.trim().toLowerCase();
  const member = await typed(storage).first((db) =>
    db.selectFrom('staff_members').selectAll().where('email', '=', email),
  );
  if (!member || member.disabled_at) {
    // The same scrypt, the same count per source and the same answers as a known account.
    await verifySecret(input.password, UNMATCHABLE_HASH);
    const attempt = await inWork(storage, clock, (work) =>
      recordAttempt(work, `staff-email:${tokenHash(email)}`, input.source, false),
    );
    throw attempt.outcome === 'wrong' ? wrongStaffCredentials() : lockedHere();
  }
  const account = `staff:${member.id}`;
  if ((await lockoutState(storage, account, input.source)).lockedAt) throw lockedHere();
  const passwordOk = await verifySecret(input.password, member.password_hash);
  const step = totpStep(member.totp_secret, email, input.code, clock());
  const outcome = await inWork(storage, clock, async (work) => {
    const q = typed(work.tx);
    const current = await q.first((db) =>
      db
        .selectFrom('staff_members')
        .select('totp_last_step')
        .where('id', '=', member.id)
        .$call(q.lockRows),
    );
    // A code is accepted once: a step at or before the last one used is a replay.
    const freshStep =
      passwordOk && step !== null && current !== undefined && step > current.totp_last_step
        ? step
        : null;
    const attempt = await recordAttempt(work, account, input.source, freshStep !== null);
    if (attempt.outcome !== 'accepted') return { attempt: attempt.outcome } as const;
    // The domain accepts only a correct attempt, which has a fresh step.
    if (freshStep === null) throw new Error('an accepted staff login without a fresh TOTP step');
    await q.run((db) =>
      db
        .updateTable('staff_members')
        .set({ totp_last_step: freshStep })
        .where('id', '=', member.id),
    );
    const token = newToken();
    const csrfToken = newToken();
    const sessionId = crypto.randomUUID();
    const expiresAt = new Date(Date.parse(work.now) + STAFF_SESSION_ABSOLUTE_MS).toISOString();
    await q.run((db) =>
      db.insertInto('staff_sessions').values({
        id: sessionId,
        token_hash: tokenHash(token),
        staff_id: member.id,
        csrf_hash: tokenHash(csrfToken),
        source: input.source,
        user_agent: input.userAgent.slice(0, 200),
        created_at: work.now,
        last_seen_at: work.now,
        expires_at: expiresAt,
      }),
    );
    await audit(work, account, 'staff.login', 'staff_session', sessionId, {
      source: input.source,
    });
    return { token, csrfToken, sessionId, expiresAt } as const;
  });
  if ('attempt' in outcome) {
    throw outcome.attempt === 'wrong' ? wrongStaffCredentials() : lockedHere();
  }
  return {
    token: outcome.token,
    csrfToken: outcome.csrfToken,
    expiresAt: outcome.expiresAt,
    session: {
      staffId: member.id,
      name: member.name,
      email,
      sessionId: outcome.sessionId,
      grants: await grantsOf(storage, member.id),
    },
  };
}

function sameHash(presented: string, storedHex: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = Buffer.from(storedHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The session behind a cookie token, or 401. Unsafe methods must also carry the session's CSRF
 * token (`csrf` null for GET/HEAD).
 */
export async function staffBySession(
  storage: Storage,
  clock: Clock,
  token: string,
  csrf: string | null | undefined,
): Promise<StaffSession> {
  const q = typed(storage);
  const row = await q.first((db) =>
    db
      .selectFrom('staff_sessions as s')
      .innerJoin('staff_members as m', 'm.id', 's.staff_id')
      .select([
        's.id',
        's.staff_id',
        's.csrf_hash',
        's.last_seen_at',
        's.expires_at',
        's.revoked_at',
        'm.name',
        'm.email',
        'm.disabled_at',
      ])
      .where('s.token_hash', '=', tokenHash(token)),
  );
  const now = clock().getTime();
  if (
    !row ||
    row.revoked_at ||
    row.disabled_at ||
    Date.parse(row.expires_at) <= now ||
    Date.parse(row.last_seen_at) + STAFF_SESSION_IDLE_MS <= now
  )
    throw new HttpError(401, 'unauthorized', 'sign in again');
  if (csrf !== null && !(typeof csrf === 'string' && sameHash(csrf, row.csrf_hash)))
    throw new HttpError(403, 'forbidden', 'missing or wrong CSRF token');
  if (Date.parse(row.last_seen_at) + TOUCH_EVERY_MS <= now) {
    await q.run((db) =>
      db
        .updateTable('staff_sessions')
        .set({ last_seen_at: new Date(now).toISOString() })
        .where('id', '=', row.id),
    );
  }
  return {
    staffId: row.staff_id,
    name: row.name,
    email: row.email,
    sessionId: row.id,
    grants: await grantsOf(storage, row.staff_id),
  };
}

export interface StaffSessionInfo {
  sessionId: string;
  source: string;
  userAgent: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

/** The member's sessions that can still be used, newest first. */
export async function listSessions(
  storage: Storage,
  clock: Clock,
  session: StaffSession,
): Promise<StaffSessionInfo[]> {
  const now = clock().getTime();
  const rows = await typed(storage).all((db) =>
    db
      .selectFrom('staff_sessions')
      .select(['id', 'source', 'user_agent', 'created_at', 'last_seen_at', 'expires_at'])
      .where('staff_id', '=', session.staffId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id'),
  );
  return rows
    .filter(
      (row) =>
        Date.parse(row.expires_at) > now &&
        Date.parse(row.last_seen_at) + STAFF_SESSION_IDLE_MS > now,
    )
    .map((row) => ({
      sessionId: row.id,
      source: row.source,
      userAgent: row.user_agent,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      current: row.id === session.sessionId,
    }));
}

/** Ends one of the member's own sessions (logout is revoking the current one). */
export async function revokeOwnSession(
  work: Work,
  session: StaffSession,
  sessionId: string,
): Promise<void> {
  const changed = await typed(work.tx).run((db) =>
    db
      .updateTable('staff_sessions')
      .set({ revoked_at: work.now })
      .where('id', '=', sessionId)
      .where('staff_id', '=', session.staffId)
      .where('revoked_at', 'is', null),
  );
  if (changed === 0) throw new HttpError(404, 'not_found', `no open session ${sessionId}`);
}

/** IT disables an account: every session ends at once and the login is refused. */
export async function disableStaffMember(work: Work, staffId: string): Promise<void> {
  const q = typed(work.tx);
  await q.run((db) =>
    db.updateTable('staff_members').set({ disabled_at: work.now }).where('id', '=', staffId),
  );
  await q.run((db) =>
    db
      .updateTable('staff_sessions')
      .set({ revoked_at: work.now })
      .where('staff_id', '=', staffId)
      .where('revoked_at', 'is', null),
  );
}

/**
 * The first IT admin of a deployment (every facility), made from the command line on the
 * database itself. Refused once an active IT admin exists: from then on IT creates accounts.
 */
export async function bootstrapItAdmin(
  work: Work,
  input: { email: string; name: string },
): Promise<CreatedStaffMember> {
  if (await hasItAdmin(work.tx))
    throw new HttpError(409, 'conflict', 'an IT admin exists: create accounts from the IT console');
  const created = await createStaffMember(work, {
    ...input,
    grants: [{ role: 'it_admin', facilityId: ALL_FACILITIES }],
  });
  await audit(work, 'cli', 'staff.bootstrap', 'staff', created.staffId, {
    before: null,
    after: { email: input.email, role: 'it_admin' },
  });
  return created;
}
