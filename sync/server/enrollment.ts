import { randomInt } from 'node:crypto';
import type { DeviceProfile } from '../../domain';
import {
  ENROLL_CODE_ALPHABET,
  type CreateEnrollCodeResponse,
  type EnrollResponse,
} from '../protocol';
import { tokenHash } from './auth/secrets';
import { loadFacility } from './facilities';
import { requireHousingUnit } from './housing';
import { HttpError } from './http/errors';
import { publicKeyFromRaw } from './http/device-auth';
import { publishResident, publishSignInSetup } from './publish';
import type { Storage } from './storage/types';
import { inWork, type Clock, type Work } from './work';
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
  input: {
    facilityId: string;
    profile: DeviceProfile;
    housingUnitId?: string | undefined;
    validHours: number;
  },
): Promise<CreateEnrollCodeResponse> {
  const code = newCode();
  const expiresAt = new Date(clock().getTime() + input.validHours * 3_600_000).toISOString();
  const housingUnitId = input.housingUnitId ?? null;
  await storage.transaction(async (tx) => {
    await loadFacility(tx, input.facilityId);
    if (housingUnitId !== null) await requireHousingUnit(tx, input.facilityId, housingUnitId);
    await tx.run(
      `INSERT INTO enroll_codes (code_hash, facility_id, profile, housing_unit_id, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
      [
        tokenHash(code.replaceAll('-', '')),
        input.facilityId,
        input.profile,
        housingUnitId,
        expiresAt,
      ],
    );
  });
  return { code, facilityId: input.facilityId, profile: input.profile, housingUnitId, expiresAt };
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
  const device = await inWork(storage, clock, async (work) => {
    const { tx, now } = work;
    const code = await tx.get<{
      facility_id: string;
      profile: DeviceProfile;
      housing_unit_id: string | null;
      expires_at: string;
      used_at: string | null;
    }>(
      `SELECT facility_id, profile, housing_unit_id, expires_at, used_at FROM enroll_codes
       WHERE code_hash = ?${tx.forUpdate}`,
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
      `INSERT INTO devices (id, facility_id, profile, housing_unit_id, public_key, label,
         app_version, enrolled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        code.facility_id,
        code.profile,
        code.housing_unit_id,
        input.publicKey,
        input.label,
        input.appVersion,
        now,
      ],
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
    await sendSignInRecords(work, {
      id,
      facilityId: code.facility_id,
      profile: code.profile,
      housingUnitId: code.housing_unit_id,
    });
    return {
      id,
      facilityId: code.facility_id,
      profile: code.profile,
      housingUnitId: code.housing_unit_id,
      now,
    };
  });
  return {
    deviceId: device.id,
    facilityId: device.facilityId,
    profile: device.profile,
    housingUnitId: device.housingUnitId,
    epoch: await readEpoch(storage),
    serverTime: device.now,
  };
}

/**
 * What a new device needs to sign residents in: its assignment and the badge key in its own
 * scope (kiosks and tablets; a lobby kiosk signs nobody in), and on a tablet the residents
 * assigned to its serial (their records go to its device scope). A kiosk's residents are already
 * in its unit's scope.
 */
async function sendSignInRecords(
  work: Work,
  device: { id: string; facilityId: string; profile: DeviceProfile; housingUnitId: string | null },
) {
  if (device.profile === 'lobby') return;
  await publishSignInSetup(work, device);
  if (device.profile !== 'tablet') return;
  const assigned = await work.tx.all<{ id: string }>(
    `SELECT r.id FROM residents r JOIN device_serials s ON s.serial = r.tablet_serial
     WHERE s.device_id = ? AND r.facility_id = ? ORDER BY r.id`,
    [device.id, device.facilityId],
  );
  for (const { id } of assigned) await publishResident(work, id);
}

/** Revokes a device; true when it existed and was not revoked yet. */
export async function revokeDevice(storage: Storage, clock: Clock, deviceId: string) {
  const changed = await storage.run(
    'UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    [clock().toISOString(), deviceId],
  );
  return changed === 1;
}
