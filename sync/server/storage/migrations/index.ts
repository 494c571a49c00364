import { migration001 } from './001-first-release';
import { migration002 } from './002-canonical-changes';
import { migration003 } from './003-staff-identity';
import { migration004 } from './004-review-gate';
import { migration006 } from './006-card-charges';
import { migration007 } from './007-money-ledger';
import { migration008 } from './008-housing-units';
import { migration009 } from './009-cash-journals';
import { migration010 } from './010-unbooked-cash-journals';
import type { CentralMigration } from './migration';

/** Every central migration in order; append only, never edit a shipped one. */
export const CENTRAL_MIGRATIONS: readonly CentralMigration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
];

// the list above is not empty
export const LATEST_CENTRAL_SCHEMA_VERSION =
  CENTRAL_MIGRATIONS[CENTRAL_MIGRATIONS.length - 1]!.version;
export type { CentralMigration } from './migration';
