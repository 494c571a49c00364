import { randomInt } from 'node:crypto';
import { DEVICE_PROFILES, type DeviceProfile } from '../../domain';
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
import { typed } from './storage/typed';
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
    await typed(tx).run((db) =>
      db.insertInto('enroll_codes').values({
        code_hash: tokenHash(code.replaceAll('-', '')),
        facility_id: input.facilityId,
        profile: input.profile,
        housing_unit_id: housingUnitId,
        expires_at: expiresAt,
      }),
    );
  });
  return { code, facilityId: input.facilityId, profile: input.profile, housingUnitId, expiresAt };
}

/** A stored profile, checked against the domain's list rather than cast. */
function deviceProfile(stored: string): DeviceProfile {
  const profile = DEVICE_PROFILES.find((known) => known === stored);
  if (!profile) throw new Error(`an enrollment code has an unknown profile ${stored}`);
  return profile;
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
    const { now } = work;
    const q = typed(work.tx);
    const code = await q.first((db) =>
      db
        .selectFrom('enroll_codes')
        .select(['facility_id', 'profile', 'housing_unit_id', 'expires_at', 'used_at'])
        .where('code_hash', '=', tokenHash(input.code))
        .$call(q.lockRows),
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
    const profile = deviceProfile(code.profile);
    await q.run((db) =>
      db.insertInto('devices').values({
        id,
        facility_id: code.facility_id,
        profile,
        housing_unit_id: code.housing_unit_id,
        public_key: input.publicKey,
        label: input.label,
        app_version: input.appVersion,
        enrolled_at: now,
      }),
    );
    // A tablet reads only the resident assigned to its serial (pull.ts mayRead).
    const { serial } = input;
    if (serial !== undefined) {
      await q.run((db) => db.insertInto('device_serials').values({ device_id: id, serial }));
    }
    await q.run((db) =>
      db
        .updateTable('enroll_codes')
        .set({ used_at: now, device_id: id })
        .where('code_hash', '=', tokenHash(input.code)),
    );
    const device = {
      id,
      facilityId: code.facility_id,
      profile,
      housingUnitId: code.housing_unit_id,
    };
    await sendSignInRecords(work, device);
    return { ...device, now };
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
  const assigned = await typed(work.tx).all((db) =>
    db
      .selectFrom('residents as r')
      .innerJoin('device_serials as s', 's.serial', 'r.tablet_serial')
      .select('r.id')
      .where('s.device_id', '=', device.id)
      .where('r.facility_id', '=', device.facilityId)
      .orderBy('r.id'),
  );
  for (const { id } of assigned) await publishResident(work, id);
}

/** Revokes a device; true when it existed and was not revoked yet. */
export async function revokeDevice(storage: Storage, clock: Clock, deviceId: string) {
  const changed = await typed(storage).run((db) =>
    db
      .updateTable('devices')
      .set({ revoked_at: clock().toISOString() })
      .where('id', '=', deviceId)
      .where('revoked_at', 'is', null),
  );
  return changed === 1;
}
