import type { Store } from '../store';
import { encodePinHash, hashPin } from './pin-hash';

/** Sets (or resets) a resident's PIN; only its scrypt hash is stored. Clears any lockout. */
export async function setResidentPin(
  store: Store,
  residentId: string,
  pin: string,
  at: string,
): Promise<void> {
  const { hash, salt } = await hashPin(pin);
  store.residents.setPin(residentId, hash, salt, at);
}

/** Sets the device's maintenance PIN (facility IT), stored as `salt:hash`. */
export async function setMaintenancePin(store: Store, pin: string): Promise<void> {
  const device = store.identity.device();
  if (!device) throw new Error('the device identity must exist before its maintenance PIN');
  store.identity.saveDevice({ ...device, maintenancePinHash: encodePinHash(await hashPin(pin)) });
}
