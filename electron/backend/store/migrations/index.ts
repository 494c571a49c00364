import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-mail-search';
import { migration0003 } from './0003-sync-credentials';
import { migration0004 } from './0004-mail-search-by-resident';
import { migration0005 } from './0005-blob-downloads';
import { migration0006 } from './0006-chargeback-blocks';
import { migration0007 } from './0007-pinned-key-and-indexes';
import { migration0008 } from './0008-least-data';
import { migration0009 } from './0009-typed-outbox';
import { migration0010 } from './0010-cash-purposes';
import { migration0011 } from './0011-search-by-recency-and-counts';
import { migration0012 } from './0012-refunded-stamps';
import type { Migration } from './migration';

/** Every migration in order; append only. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
];

// the list above is not empty
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
export type { Migration } from './migration';
