import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SessionKeyError, sessionKeyAgreement, type SessionResponse } from '../../protocol';
import type { Clock } from '../work';
import { HttpError } from './errors';
import { slideWindow } from './replay-window';

/**
 * The service's half of device sessions (sync/protocol session.ts). Sessions live only in this
 * process's memory, one per device (opening another ends the previous one, so a device cannot
 * pile them up): nothing is written per request, and a restart ends them all, so a request
 * recorded before it can never be accepted after it. Each session keeps its own anti-replay
 * window over its counters, as the database does for signed requests.
 */

/** How long a session lasts; the device then signs once more. */
export const SESSION_TTL_MS = 15 * 60_000;

export interface DeviceSession {
  readonly id: string;
  readonly deviceId: string;
  readonly key: Uint8Array;
  readonly expiresAt: number;
  high: number;
  bits: bigint;
}

const expired = (message: string) => new HttpError(401, 'session_expired', message);

export function createDeviceSessions(clock: Clock, ttlMs = SESSION_TTL_MS) {
  // In order of opening, hence of expiry: the oldest are swept from the front.
  const byDevice = new Map<string, DeviceSession>();

  function sweep(now: number): void {
    for (const [deviceId, session] of byDevice) {
      if (session.expiresAt > now) return;
      byDevice.delete(deviceId);
    }
  }

  /** Agrees a key with the device's X25519 half (already bound to it by its signature). */
  async function open(deviceId: string, devicePublicKey: string): Promise<SessionResponse> {
    const now = clock().getTime();
    sweep(now);
    const agreement = await sessionKeyAgreement();
    const id = randomBytes(16).toString('base64url');
    let key: Uint8Array;
    try {
      key = await agreement.agree(devicePublicKey, id, deviceId);
    } catch (error) {
      if (error instanceof SessionKeyError) throw new HttpError(400, 'bad_request', error.message);
      throw error;
    }
    byDevice.delete(deviceId);
    byDevice.set(deviceId, { id, deviceId, key, expiresAt: now + ttlMs, high: 0, bits: 0n });
    return {
      sessionId: id,
      publicKey: agreement.publicKey,
      expiresInMs: ttlMs,
    };
  }

  /**
   * The live session `sessionId` of `deviceId`. Another device's session id, an ended or an
   * expired one all answer `session_expired`: the device's remedy is always to open another.
   */
  function find(deviceId: string, sessionId: string): DeviceSession {
    const session = byDevice.get(deviceId);
    if (!session || session.id !== sessionId) throw expired('unknown session');
    if (session.expiresAt <= clock().getTime()) {
      byDevice.delete(deviceId);
      throw expired('the session expired');
    }
    return session;
  }

  /** Throws unless `mac` (base64url) is the session key's HMAC-SHA256 of `payload`. */
  function checkMac(session: DeviceSession, payload: string, mac: string): void {
    const expected = createHmac('sha256', session.key).update(payload).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new HttpError(401, 'unauthorized', 'bad MAC');
  }

  /** Moves the session's window to `counter`, or throws `replayed` (a counter seen before). */
  function admitCounter(session: DeviceSession, counter: number, commit: boolean): void {
    const next = slideWindow(session.high, session.bits, counter);
    if (!next) throw new HttpError(401, 'replayed', `counter ${counter} was already used`);
    if (!commit) return;
    session.high = next.high;
    session.bits = next.bits;
  }

  /** Ends the device's session (a revoked device). */
  function end(deviceId: string): void {
    byDevice.delete(deviceId);
  }

  return { open, find, checkMac, admitCounter, end };
}

export type DeviceSessions = ReturnType<typeof createDeviceSessions>;
