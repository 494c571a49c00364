import { randomInt } from 'node:crypto';
import type { DeviceProfile } from '../../domain';
import {
  ENROLL_CODE_ALPHABET,
  type CreateEnrollCodeResponse,
  type EnrollResponse,
} from '../protocol';
import { tokenHash } from './auth/secrets';
import { loadFacility } from './facilities';
import { HttpError } from './http/errors';
import { publicKeyFromRaw } from './http/device-auth';
import type { Storage } from './storage/types';
import type { Clock } from './work';
import { readEpoch } from './epoch';

/**
 * Device enrollment: facility IT creates a one-time code (CLI or admin API); the device trades
 * it, once, before it expires, for an identity bound to its Ed25519 public key. Codes are
 * stored hashed. Revocation is immediate: the next request of a revoked device gets 403.
 */

function newCode(): string {
  const chars = Array.from(
    { length: 12 },
    () => ENROLL_CODE_ALPHABET[randomInt(ENROLL_CODE_ALPHABET.length)],
  );
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

export async function createEnrollCode(
  storage: Storage,
  clock: Clock,
  input: { facilityId: string; profile: DeviceProfile; validHours: number },
): Promise<CreateEnrollCodeResponse> {
  const code = newCode();
  const expiresAt = new Date(clock().getTime() + input.validHours * 3_600_000).toISOString();
  await storage.transaction(async (tx) => {
    await loadFacility(tx, input.facilityId);
    await tx.run(
      'INSERT INTO enroll_codes (code_hash, facility_id, profile, expires_at) VALUES (?, ?, ?, ?)',
      [tokenHash(code.replaceAll('-', '')), input.facilityId, input.profile, expiresAt],
    );
  });
  return { code, facilityId: input.facilityId, profile: input.profile, expiresAt };
}

export async function enrollDevice(
  storage: Storage,
  clock: Clock,
  input: { code: string; publicKey: string; appVersion: string; label: string; serial?: string },
): Promise<Omit<EnrollResponse, 'servicePublicKey'>> {
  try {
    publicKeyFromRaw(input.publicKey);
  } catch {
    throw new HttpError(400, 'bad_request', 'publicKey is not an Ed25519 public key');
  }
  const now = clock().toISOString();
  const device = await storage.transaction(async (tx) => {
    const code = await tx.get<{
      facility_id: string;
      profile: DeviceProfile;
      expires_at: string;
      used_at: string | null;
    }>(
      `SELECT facility_id, profile, expires_at, used_at FROM enroll_codes WHERE code_hash = ?${tx.forUpdate}`,
      [tokenHash(input.code)],
    );
    // One answer for unknown, used and expired codes: nothing to learn by probing.
    if (!code || code.used_at !== null || code.expires_at <= now) {
      throw new HttpError(
        403,
        'forbidden',
        'this enrollment code is not valid (unknown, used or expired)',
      );
    }
    const id = crypto.randomUUID();
    await tx.run(
      `INSERT INTO devices (id, facility_id, profile, public_key, label, app_version, enrolled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [id, code.facility_id, code.profile, input.publicKey, input.label, input.appVersion, now],
    );
    // A tablet reads only the resident assigned to its serial (pull.ts mayRead).
    if (input.serial !== undefined) {
      await tx.run('INSERT INTO device_serials (device_id, serial) VALUES (?, ?)', [
        id,
        input.serial,
      ]);
    }
    await tx.run('UPDATE enroll_codes SET used_at = ?, device_id = ? WHERE code_hash = ?', [
      now,
      id,
      tokenHash(input.code),
    ]);
    return { id, facilityId: code.facility_id, profile: code.profile };
  });
  return {
    deviceId: device.id,
    facilityId: device.facilityId,
    profile: device.profile,
    epoch: await readEpoch(storage),
    serverTime: now,
  };
}

/** Revokes a device; true when it existed and was not revoked yet. */
export async function revokeDevice(storage: Storage, clock: Clock, deviceId: string) {
  const changed = await storage.run(
    'UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    [clock().toISOString(), deviceId],
  );
  return changed === 1;
}
