import { z } from 'zod';
import { FacilityConfigSchema } from '../../domain';
import { IdSchema, InstantSchema, Sha256HexSchema } from './common';
import { canonicalJson, sha256Hex } from './checksum';
import {
  AccountDataSchema,
  AssignmentDataSchema,
  BadgeKeyDataSchema,
  BlockDataSchema,
  DirectoryEntryDataSchema,
  ContactDataSchema,
  ENTITY_NAMES,
  LedgerEntryDataSchema,
  MessageDataSchema,
  ReleaseRequestDataSchema,
  ResidentDataSchema,
  TicketDataSchema,
  TicketMessageDataSchema,
} from './entities';

/**
 * Pull: per-scope, server-issued cursors in; pages of changes out. A device applies a page and
 * stores its cursor in one local transaction, so an interrupted first sync resumes where it
 * stopped. Each (scope, entity, id) appears at most once per scope at its latest position;
 * deletes are tombstones.
 */

/**
 * Least data: a resident's credentials go only where that resident can sign in.
 * - facility: config, promotions and blocks (every device of the facility);
 * - unit: the residents of one housing unit with their credentials (PIN hash, badge hash, lock
 *   state), read by that unit's kiosks;
 * - device: what one device alone receives: its assignment (a kiosk's housing unit), the badge
 *   key, and on a tablet its assigned resident with credentials;
 * - directory: a depositor's view of the facility's residents (name, state, DOC number; no
 *   credentials), read by lobby kiosks;
 * - resident: that resident's contacts, messages, account, ledger, tickets, release requests.
 * A resident leaving a unit, a tablet or the facility gets a tombstone in the scope they left.
 */
export const SCOPE_KINDS = ['facility', 'unit', 'device', 'directory', 'resident'] as const;
const ScopeSchema = z.object({ kind: z.enum(SCOPE_KINDS), id: IdSchema });
export type Scope = z.infer<typeof ScopeSchema>;

/** Opaque to devices: `<epoch>.<position>`. */
const CursorSchema = z.string().regex(/^[A-Za-z0-9-]+\.\d+$/, 'a server-issued cursor');

const position = z.number().int().positive();
const upsert = <E extends string, S extends z.ZodType>(entity: E, data: S) =>
  z.object({ op: z.literal('upsert'), entity: z.literal(entity), id: IdSchema, position, data });

const UpsertChangeSchema = z.discriminatedUnion('entity', [
  upsert('facility', FacilityConfigSchema),
  upsert('resident', ResidentDataSchema),
  upsert('directory_entry', DirectoryEntryDataSchema),
  upsert('badge_key', BadgeKeyDataSchema),
  upsert('assignment', AssignmentDataSchema),
  upsert('contact', ContactDataSchema),
  upsert('message', MessageDataSchema),
  upsert('account', AccountDataSchema),
  upsert('ledger_entry', LedgerEntryDataSchema),
  upsert('ticket', TicketDataSchema),
  upsert('ticket_message', TicketMessageDataSchema),
  upsert('release_request', ReleaseRequestDataSchema),
  upsert('block', BlockDataSchema),
]);
const TombstoneChangeSchema = z.object({
  op: z.literal('delete'),
  entity: z.enum(ENTITY_NAMES),
  id: IdSchema,
  position,
});
const ChangeSchema = z.union([UpsertChangeSchema, TombstoneChangeSchema]);
export type Change = z.infer<typeof ChangeSchema>;

const MAX_PULL_LIMIT = 1000;
export const DEFAULT_PULL_LIMIT = 500;

export const PullRequestSchema = z.object({
  scopes: z
    .array(z.object({ scope: ScopeSchema, cursor: CursorSchema.nullable() }))
    .min(1)
    .max(64),
  /** Most changes per page (per scope). */
  limit: z.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
});
export type PullRequest = z.input<typeof PullRequestSchema>;

export const PageSchema = z.object({
  scope: ScopeSchema,
  changes: z.array(ChangeSchema),
  /** Cursor to send next time; unchanged when there was nothing new. */
  cursor: CursorSchema,
  hasMore: z.boolean(),
  /** sha256 of canonicalJson({ scope, changes, cursor }): see pageChecksum. */
  checksum: Sha256HexSchema,
  /**
   * The central service's Ed25519 signature (base64url) over `pageSignatureInput`: the device
   * checks it with the key it pinned at enrollment, so no one on the path can rewrite a page.
   */
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'Ed25519 signature, base64url'),
});
export type Page = z.infer<typeof PageSchema>;

export const PullResponseSchema = z.object({
  /** Random id created with the database: a different one means the server was restored. */
  epoch: z.string(),
  serverTime: InstantSchema,
  pages: z.array(PageSchema),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/** The exact text a page checksum hashes (for hashers other than Web Crypto). */
export function pageChecksumInput(page: Pick<Page, 'scope' | 'changes' | 'cursor'>): string {
  return canonicalJson({ scope: page.scope, changes: page.changes, cursor: page.cursor });
}

/** The checksum a page carries; a device recomputes it before applying the page. */
export function pageChecksum(page: Pick<Page, 'scope' | 'changes' | 'cursor'>): Promise<string> {
  return sha256Hex(pageChecksumInput(page));
}

/**
 * What the service signs for one page: the page's checksum bound to the device it answers and the
 * cursor it was asked for, so a page cannot be replayed to another device or for another request.
 */
export function pageSignatureInput(
  deviceId: string,
  requestCursor: string | null,
  checksum: string,
): string {
  return `homeline-page-v1\n${deviceId}\n${requestCursor ?? '-'}\n${checksum}`;
}

export function formatCursor(epoch: string, at: number): string {
  return `${epoch}.${at}`;
}

/** Splits a cursor into its epoch and position. */
export function parseCursor(cursor: string): { epoch: string; position: number } {
  const dot = cursor.lastIndexOf('.');
  return { epoch: cursor.slice(0, dot), position: Number(cursor.slice(dot + 1)) };
}
