import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { DeviceProfile } from '../../../domain';
import { HEADERS, sessionMacPayload, signingPayload } from '../../protocol';
import type { Storage } from '../storage/types';
import type { DeviceSessions } from './device-sessions';
import { HttpError } from './errors';
import { rawBodySha256 } from './raw-body';
import { slideWindow } from './replay-window';

/**
 * Device request authentication, in one of two forms:
 * - signed: the device signs method, path, body hash and a counter with the Ed25519 key it
 *   generated at enrollment (the private key never leaves the device); the anti-replay window
 *   (replay-window.ts) lives in the database, so every service process shares it;
 * - session: after a signed `POST /v1/session` (device-sessions.ts), an HMAC-SHA256 under the
 *   session key over the same fields plus the session id; the window lives with the session in
 *   this process's memory, so such a request costs a MAC and one indexed read (revocation, the
 *   profile), no signature verification and no write.
 * A request carries exactly one of the two; a route may insist on a signature (opening a
 * session does, so a session can never extend itself).
 */

export interface AuthenticatedDevice {
  id: string;
  facilityId: string;
  profile: DeviceProfile;
  /** A housing-unit kiosk's unit (fixed at enrollment); null for lobby kiosks and tablets. */
  housingUnitId: string | null;
}

interface DeviceRow {
  id: string;
  facility_id: string;
  profile: DeviceProfile;
  housing_unit_id: string | null;
  public_key: string;
  replay_high: number;
  replay_bits: string;
  revoked_at: string | null;
  high_water_mark: number;
  [key: string]: unknown;
}

export function publicKeyFromRaw(raw: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
}

/**
 * Runs inside the authentication transaction, after the signature and before the window moves:
 * a request it refuses (wrong profile, a body the route will not take) leaves the window as it
 * was, so a counter far ahead cannot be burnt by a request that is then refused.
 */
export type DeviceAcceptance = (device: AuthenticatedDevice & { highWaterMark: number }) => void;

type Proof =
  { kind: 'signature'; signature: string } | { kind: 'session'; id: string; mac: string };

/** The device, counter and proof a request carries; exactly one proof, well formed. */
function requestHeaders(request: FastifyRequest) {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const deviceId = header(HEADERS.device);
  const counterText = header(HEADERS.counter);
  const signature = header(HEADERS.signature);
  const sessionId = header(HEADERS.session);
  const mac = header(HEADERS.mac);
  const bySignature = signature !== undefined && sessionId === undefined && mac === undefined;
  const bySession = signature === undefined && sessionId !== undefined && mac !== undefined;
  const proof: Proof | undefined = bySignature
    ? { kind: 'signature', signature }
    : bySession
      ? { kind: 'session', id: sessionId, mac }
      : undefined;
  if (deviceId === undefined || counterText === undefined || proof === undefined) {
    throw new HttpError(
      401,
      'unauthorized',
      'send the device, counter and either a signature or a session id and MAC',
    );
  }
  const counter = Number(counterText);
  if (!/^\d{1,15}$/.test(counterText) || counter < 1) {
    throw new HttpError(401, 'unauthorized', 'counter must be a positive integer');
  }
  return { deviceId, counter, proof };
}

const revoked = () => new HttpError(403, 'device_revoked', 'this device was revoked');

export function createDeviceAuthenticator(storage: Storage, sessions: DeviceSessions) {
  const keys = new Map<string, KeyObject>();

  /**
   * Before the body is read: the headers are well formed and name an enrolled, unrevoked device
   * (or a live session of it). Nobody without a device id gets a byte of body buffered; the
   * signature or MAC over the body is checked by `authenticate` once it arrived.
   */
  async function precheck(request: FastifyRequest): Promise<void> {
    const { deviceId, proof } = requestHeaders(request);
    if (proof.kind === 'session') return void sessions.find(deviceId, proof.id);
    if (keys.has(deviceId)) return;
    const row = await storage.get<{ revoked_at: string | null }>(
      'SELECT revoked_at FROM devices WHERE id = ?',
      [deviceId],
    );
    if (!row) throw new HttpError(401, 'unauthorized', 'unknown device');
    if (row.revoked_at) throw revoked();
  }

  /** A session request: the MAC, then one read for revocation; the window in memory. */
  async function bySession(
    request: FastifyRequest,
    deviceId: string,
    counter: number,
    proof: Extract<Proof, { kind: 'session' }>,
    accept: DeviceAcceptance,
  ): Promise<AuthenticatedDevice> {
    const session = sessions.find(deviceId, proof.id);
    const payload = sessionMacPayload({
      method: request.method,
      path: request.url,
      deviceId,
      sessionId: session.id,
      counter,
      bodySha256: rawBodySha256(request),
    });
    sessions.checkMac(session, payload, proof.mac);
    sessions.admitCounter(session, counter, false);
    const current = await storage.get<DeviceRow>(
      `SELECT id, facility_id, profile, housing_unit_id, revoked_at, high_water_mark
       FROM devices WHERE id = ?`,
      [deviceId],
    );
    if (!current) throw new HttpError(401, 'unauthorized', 'unknown device');
    if (current.revoked_at) {
      sessions.end(deviceId);
      throw revoked();
    }
    const device = {
      id: current.id,
      facilityId: current.facility_id,
      profile: current.profile,
      housingUnitId: current.housing_unit_id,
    };
    accept({ ...device, highWaterMark: Number(current.high_water_mark) });
    // Checked again and moved only now, after the read and the route's acceptance: a request
    // refused on the way burns no counter, and a twin that arrived meanwhile is caught here.
    sessions.admitCounter(session, counter, true);
    return device;
  }

  async function authenticate(
    request: FastifyRequest,
    accept: DeviceAcceptance,
    options: { signatureRequired?: boolean } = {},
  ): Promise<AuthenticatedDevice> {
    const { deviceId, counter, proof } = requestHeaders(request);
    if (proof.kind === 'session') {
      if (options.signatureRequired)
        throw new HttpError(401, 'unauthorized', 'this route needs a signed request');
      return bySession(request, deviceId, counter, proof, accept);
    }
    const { signature } = proof;
    const payload = Buffer.from(
      signingPayload({
        method: request.method,
        path: request.url,
        deviceId,
        counter,
        bodySha256: rawBodySha256(request),
      }),
    );
    const signed = Buffer.from(signature, 'base64url');
    const checkSignature = (key: KeyObject) => {
      if (!verify(null, payload, key, signed)) {
        throw new HttpError(401, 'unauthorized', 'bad signature');
      }
    };
    // A known key is checked before any database work; an unknown one once its row is read.
    const knownKey = keys.get(deviceId);
    if (knownKey) checkSignature(knownKey);
    // One transaction reads the device (revocation, key), and slides the window: the row is
    // locked (PostgreSQL) from the revocation check to the window write.
    const row = await storage.transaction(
      async (tx) => {
        const current = await tx.get<DeviceRow>(
          `SELECT id, facility_id, profile, housing_unit_id, public_key, replay_high, replay_bits,
             revoked_at, high_water_mark
           FROM devices WHERE id = ?${tx.forUpdate}`,
          [deviceId],
        );
        if (!current) throw new HttpError(401, 'unauthorized', 'unknown device');
        if (current.revoked_at) throw revoked();
        if (!knownKey) {
          const key = publicKeyFromRaw(current.public_key);
          checkSignature(key);
          keys.set(deviceId, key);
        }
        const next = slideWindow(current.replay_high, BigInt(current.replay_bits), counter);
        if (!next) throw new HttpError(401, 'replayed', `counter ${counter} was already used`);
        accept({
          id: current.id,
          facilityId: current.facility_id,
          profile: current.profile,
          housingUnitId: current.housing_unit_id,
          highWaterMark: Number(current.high_water_mark),
        });
        await tx.run('UPDATE devices SET replay_high = ?, replay_bits = ? WHERE id = ?', [
          next.high,
          next.bits.toString(),
          deviceId,
        ]);
        return current;
      },
      // Losing the newest window state in a power cut is harmless: pushes are idempotent by
      // mutation id and pulls only read, so no fsync is spent per request on it.
      { durable: false },
    );
    return {
      id: row.id,
      facilityId: row.facility_id,
      profile: row.profile,
      housingUnitId: row.housing_unit_id,
    };
  }

  return { precheck, authenticate };
}
