import type { Handlers } from '../context';
import { accountHandlers } from './account';
import { authHandlers } from './auth';
import { cashSettlementHandlers } from './cash-settlement';
import { deviceHandlers } from './device';
import { lobbyHandlers } from './lobby';
import { mailHandlers } from './mail';
import { maintenanceHandlers } from './maintenance';
import { stampsHandlers } from './stamps';
import { ticketsHandlers } from './tickets';

/** One handler per contract method; `satisfies` makes a missing method a type error. */
export const handlers = {
  ...authHandlers,
  ...mailHandlers,
  ...stampsHandlers,
  ...ticketsHandlers,
  ...accountHandlers,
  ...deviceHandlers,
  ...cashSettlementHandlers,
  ...lobbyHandlers,
  ...maintenanceHandlers,
} satisfies Handlers;
