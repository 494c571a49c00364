import type { DriverRegistry } from '../hal';
import { badgeDriver } from './badge/badge-driver';
import { ccTalkDriver } from './bill/cctalk-driver';
import { id003Driver } from './bill/id003-driver';
import { magstripeDriver } from './card/magstripe-driver';
import { escPosDriver } from './printer/escpos-driver';

/** Every driver this build ships, by the name used in the device configuration. */
export const standardDrivers: DriverRegistry = {
  magstripe: magstripeDriver,
  escpos: escPosDriver,
  id003: id003Driver,
  cctalk: ccTalkDriver,
  'badge-serial': badgeDriver,
};
