import { createHmac } from 'node:crypto';
import { HEADERS, sessionKeyAgreement, sessionMacPayload, type SessionResponse } from '../protocol';

/**
 * The device's half of sessions (sync/protocol session.ts): one signed request opens a session,
 * then requests carry a MAC under its key. The session and its counter live only in memory (a
 * restarted app opens another). It is renewed a minute before the service's lifetime runs out,
 * by this device's monotonic clock (the wall clock of a kiosk may be far off), and at once when
 * the service answers `session_expired` (it restarted, or another session replaced this one).
 */

/** Renew this long before the service's expiry, so a request is not sent on a dying session. */
const RENEW_BEFORE_MS = 60_000;

export interface SessionClientOptions {
  /** Sends the signed `POST /v1/session` with the device's X25519 half; the service's answer. */
  open(publicKey: string): Promise<SessionResponse>;
  /** Milliseconds of a monotonic clock (performance.now by default). */
  now?: () => number;
}

interface HeldSession {
  id: string;
  deviceId: string;
  key: Uint8Array;
  counter: number;
  renewAt: number;
}

export interface SessionHeaders {
  sessionId: string;
  headers: Record<string, string>;
}

export function createSessionClient(options: SessionClientOptions) {
  const now = options.now ?? (() => performance.now());
  let held: HeldSession | undefined;
  // Concurrent requests wait for one opening instead of each opening (and ending) another.
  let opening: Promise<HeldSession> | undefined;

  async function open(deviceId: string): Promise<HeldSession> {
    const agreement = await sessionKeyAgreement();
    const sentAt = now();
    const answer = await options.open(agreement.publicKey);
    const key = await agreement.agree(answer.publicKey, answer.sessionId, deviceId);
    const renewBefore = Math.min(RENEW_BEFORE_MS, answer.expiresInMs / 2);
    held = {
      id: answer.sessionId,
      deviceId,
      key,
      counter: 0,
      renewAt: sentAt + answer.expiresInMs - renewBefore,
    };
    return held;
  }

  async function current(deviceId: string): Promise<HeldSession> {
    if (held && held.deviceId === deviceId && now() < held.renewAt) return held;
    opening ??= open(deviceId).finally(() => (opening = undefined));
    return opening;
  }

  return {
    /** Headers proving this request (`bodySha256`: of the exact bytes sent), opening if needed. */
    async headers(
      deviceId: string,
      method: string,
      path: string,
      bodySha256: string,
    ): Promise<SessionHeaders> {
      const session = await current(deviceId);
      session.counter += 1;
      const payload = sessionMacPayload({
        method,
        path,
        deviceId,
        sessionId: session.id,
        counter: session.counter,
        bodySha256,
      });
      return {
        sessionId: session.id,
        headers: {
          [HEADERS.device]: deviceId,
          [HEADERS.session]: session.id,
          [HEADERS.counter]: String(session.counter),
          [HEADERS.mac]: createHmac('sha256', session.key).update(payload).digest('base64url'),
          [HEADERS.bodySha256]: bodySha256,
        },
      };
    },
    /** The service no longer knows this session: the next request opens another. */
    forget(sessionId: string): void {
      if (held?.id === sessionId) held = undefined;
    },
  };
}
