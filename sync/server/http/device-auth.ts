import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { DeviceProfile } from '../../../domain';
import { HEADERS, REPLAY_WINDOW, signingPayload } from '../../protocol';
import type { Storage } from '../storage/types';
import { HttpError } from './errors';
import { rawBodySha256 } from './raw-body';

/**
 * Device request authentication. Each device signs method, path, body hash and a counter with
 * the Ed25519 key it generated at enrollment (private key never leaves the device). The server
 * keeps, per device, the highest counter seen and a 64-bit window of recent counters: a counter
 * seen before or older than the window is a replay. This needs no clock agreement (kiosks with a
 * dead RTC still work), allows a few concurrent requests to arrive out of order, and the window
 * lives in the database so several service nodes share it.
 */

export interface AuthenticatedDevice {
  id: string;
  facilityId: string;
  profile: DeviceProfile;
  /** A housing-unit kiosk's unit (fixed at enrollment); null for lobby kiosks and tablets. */
  housingUnitId: string | null;
}

const WINDOW_MASK = (1n << BigInt(REPLAY_WINDOW)) - 1n;

/** Applies a counter to the window; null when it is a replay. */
export function slideWindow(
  high: number,
  bits: bigint,
  counter: number,
): { high: number; bits: bigint } | null {
  if (counter > high) {
    const shift = BigInt(counter - high);
    const shifted = shift >= BigInt(REPLAY_WINDOW) ? 0n : (bits << shift) & WINDOW_MASK;
    return { high: counter, bits: shifted | 1n };
  }
  const age = high - counter;
  if (age >= REPLAY_WINDOW) return null;
  const bit = 1n << BigInt(age);
  if (bits & bit) return null;
  return { high, bits: bits | bit };
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

function signatureHeaders(request: FastifyRequest) {
  const deviceId = request.headers[HEADERS.device];
  const counterText = request.headers[HEADERS.counter];
  const signature = request.headers[HEADERS.signature];
  if (
    typeof deviceId !== 'string' ||
    typeof counterText !== 'string' ||
    typeof signature !== 'string'
  ) {
    throw new HttpError(401, 'unauthorized', 'missing device signature headers');
  }
  const counter = Number(counterText);
  if (!/^\d{1,15}$/.test(counterText) || counter < 1) {
    throw new HttpError(401, 'unauthorized', 'counter must be a positive integer');
  }
  return { deviceId, counter, signature };
}

export function createDeviceAuthenticator(storage: Storage) {
  const keys = new Map<string, KeyObject>();

  /**
   * Before the body is read: the headers are well formed and name an enrolled, unrevoked device.
   * Nobody without a device id gets a byte of body buffered; the signature over the body is
   * checked by `authenticate` once it arrived.
   */
  async function precheck(request: FastifyRequest): Promise<void> {
    const { deviceId } = signatureHeaders(request);
    if (keys.has(deviceId)) return;
    const row = await storage.get<{ revoked_at: string | null }>(
      'SELECT revoked_at FROM devices WHERE id = ?',
      [deviceId],
    );
    if (!row) throw new HttpError(401, 'unauthorized', 'unknown device');
    if (row.revoked_at) throw new HttpError(403, 'device_revoked', 'this device was revoked');
  }

  async function authenticate(
    request: FastifyRequest,
    accept: DeviceAcceptance,
  ): Promise<AuthenticatedDevice> {
    const { deviceId, counter, signature } = signatureHeaders(request);
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
        if (current.revoked_at) {
          throw new HttpError(403, 'device_revoked', 'this device was revoked');
        }
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
