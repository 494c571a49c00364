import { z } from 'zod';

import { BadgeTokenSchema, DocNumberSchema, PinSchema, StateCodeSchema } from './formats';

/** What people type or scan to log in (docs/rules.md "People and places"). */
const ResidentRefSchema = z.object({ state: StateCodeSchema, docNumber: DocNumberSchema });

/** A resident's login: DOC number + PIN, or badge + PIN. */
export const ResidentLoginSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('doc'), resident: ResidentRefSchema, pin: PinSchema }),
  z.object({ method: z.literal('badge'), badgeToken: BadgeTokenSchema, pin: PinSchema }),
]);
