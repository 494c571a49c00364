import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo';
import { startTestBackend, type TestBackend } from '../testing/test-backend';

let t: TestBackend;
beforeEach(async () => {
  t = await startTestBackend();
});
afterEach(() => t.close());

const login = (pin: string) => ({
  method: 'doc',
  state: DEMO.state,
  docNumber: DEMO.docNumber(0),
  pin,
});

describe('auth.login', () => {
  it('signs a resident in by state + DOC number + PIN and by badge + PIN', async () => {
    const window = t.connect();
    const byDoc = await window.invoke('auth.login', login(DEMO.pin));
    expect(byDoc).toMatchObject({
      ok: true,
      value: { role: 'resident', resident: { docNumber: DEMO.docNumber(0), firstName: 'James' } },
    });
    const other = t.connect();
    const byBadge = await other.invoke('auth.login', {
      method: 'badge',
      badgeToken: DEMO.badgeToken(1),
      pin: DEMO.pin,
    });
    expect(byBadge).toMatchObject({ ok: true, value: { resident: { id: DEMO.residentId(1) } } });
  });

  it('accepts a lower-case DOC number as typed', async () => {
    const result = await t.connect().invoke('auth.login', {
      ...login(DEMO.pin),
      docNumber: DEMO.docNumber(0).toLowerCase(),
    });
    expect(result.ok).toBe(true);
  });

  it('locks the account after 5 wrong PINs in a row, audited, and then refuses the right PIN', async () => {
    const window = t.connect();
    const remaining: unknown[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const result = await window.invoke('auth.login', login('9999'));
      expect(result.ok).toBe(false);
      if (!result.ok) remaining.push(result.error.details?.attemptsRemaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1]);
    expect(await window.invoke('auth.login', login('9999'))).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await window.invoke('auth.login', login(DEMO.pin))).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    const actions = t.backend.store.audit.recent(10).map((entry) => entry.action);
    expect(actions).toContain('login.lockout');
    expect(actions).toContain('login.refused_locked');
    expect(await window.invoke('auth.session', {})).toEqual({ ok: true, value: { session: null } });
  });

  it('answers an unknown account exactly like a wrong PIN', async () => {
    const result = await t.connect().invoke('auth.login', { ...login(DEMO.pin), docNumber: 'X1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
  });

  it('stores PINs only as salted scrypt hashes', async () => {
    const rows = t.backend.store.db
      .prepare<[], { pin_hash: string; pin_salt: string }>(
        'SELECT pin_hash, pin_salt FROM resident_credentials',
      )
      .all();
    expect(rows.length).toBe(3);
    expect(new Set(rows.map((row) => row.pin_salt)).size).toBe(3);
    for (const row of rows) expect(row.pin_hash).not.toContain(DEMO.pin);
  });
});

describe('kiosk sessions', () => {
  it('warn before the idle logout, end after it, and refuse calls afterwards', async () => {
    const window = t.connect();
    await window.invoke('auth.login', login(DEMO.pin));
    t.clock.advance(150_000); // facility kioskIdleMinutes is 3: warning 30 s before the end
    expect(window.events.map((e) => e.event)).toEqual(['session.expiring']);
    expect(window.events[0]?.payload).toEqual({ secondsLeft: 30 });
    t.clock.advance(30_000);
    expect(window.events.at(-1)).toEqual({ event: 'session.ended', payload: { reason: 'idle' } });
    expect(await window.invoke('mail.contacts', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });

  it('are kept alive by activity', async () => {
    const window = t.connect();
    await window.invoke('auth.login', login(DEMO.pin));
    for (let minute = 0; minute < 10; minute += 1) {
      t.clock.advance(60_000);
      expect((await window.invoke('auth.touch', {})).ok).toBe(true);
    }
    const session = await window.invoke('auth.session', {});
    expect(session).toMatchObject({ ok: true, value: { session: { role: 'resident' } } });
  });

  it('are one per connection: another window is not signed in', async () => {
    const first = t.connect();
    await first.invoke('auth.login', login(DEMO.pin));
    const second = t.connect();
    expect(await second.invoke('mail.contacts', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });

  it('end on logout', async () => {
    const window = t.connect();
    await window.invoke('auth.login', login(DEMO.pin));
    expect(await window.invoke('auth.logout', {})).toEqual({ ok: true, value: {} });
    expect(window.events.at(-1)).toEqual({ event: 'session.ended', payload: { reason: 'logout' } });
    expect(await window.invoke('stamps.balance', {})).toMatchObject({ ok: false });
  });
});

describe('tablet sessions', () => {
  it('never idle out', async () => {
    await t.close();
    t = await startTestBackend({ profile: 'tablet' });
    const window = t.connect();
    const session = await window.invoke('auth.login', login(DEMO.pin));
    expect(session).toMatchObject({ ok: true, value: { expiresAt: null } });
    t.clock.advance(24 * 3_600_000);
    expect((await window.invoke('mail.contacts', {})).ok).toBe(true);
  });
});

describe('maintenance', () => {
  it('opens only with the maintenance PIN and then shows the device status', async () => {
    const window = t.connect();
    expect(await window.invoke('maintenance.status', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(await window.invoke('maintenance.unlock', { pin: '1111' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
    expect(await window.invoke('maintenance.unlock', { pin: DEMO.maintenancePin })).toMatchObject({
      ok: true,
      value: { role: 'maintenance', resident: null },
    });
    const status = await window.invoke('maintenance.status', {});
    expect(status).toMatchObject({ ok: true, value: { outboxDepth: 0, hardware: [] } });
    expect(await window.invoke('mail.contacts', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});
