import { MessageDataSchema } from '../protocol';
import { mayReadResident } from './access';
import type { AuthenticatedDevice } from './http/device-auth';
import { isReleased, type MessageRow } from './publish';
import { typed } from './storage/typed';
import type { Queryable } from './storage/types';

/**
 * Who may read an attachment: whoever may read a message that holds it, never whoever merely
 * knows its hash.
 * - a customer: the messages they sent, their mail from a resident once released, and what
 *   they uploaded themselves (their own bytes, before the message is sent);
 * - a device: messages of residents it may read (not a lobby kiosk), an inbound one only once
 *   released (the review gate);
 * - never, for the recipient, an attachment review withheld from a released message;
 * Reviewers read through the review route instead, one message of their facilities at a time.
 * Every refusal is the same 404 as an unknown hash, so hashes leak nothing.
 */
export type BlobReader =
  { kind: 'customer'; customerId: string } | { kind: 'device'; device: AuthenticatedDevice };

type Holder = Pick<
  MessageRow,
  'resident_id' | 'customer_id' | 'facility_id' | 'direction' | 'status'
> & {
  /** 1 when review rejected this attachment while releasing the text: its recipient never reads it. */
  withheld: number;
};

const MESSAGE = MessageDataSchema.shape;

async function messagesHolding(queryable: Queryable, sha256: string): Promise<Holder[]> {
  const rows = await typed(queryable).all((db) =>
    db
      .selectFrom('message_attachments as a')
      .innerJoin('messages as m', 'm.id', 'a.message_id')
      .select([
        'm.resident_id',
        'm.customer_id',
        'm.facility_id',
        'm.direction',
        'm.status',
        'a.withheld',
      ])
      .where('a.sha256', '=', sha256),
  );
  // Enumerated columns are checked against the protocol's values, not cast.
  return rows.map((row) => ({
    ...row,
    direction: MESSAGE.direction.parse(row.direction),
    status: MESSAGE.status.parse(row.status),
  }));
}

/** The recipient of a released message reads its attachments, except those review withheld. */
const recipientMayRead = (m: Holder) => isReleased(m.status) && m.withheld === 0;

/** The uploader key of blob_uploads for a customer or a device. */
export function uploaderKey(
  reader: { kind: 'customer'; customerId: string } | { kind: 'device'; deviceId: string },
) {
  return reader.kind === 'customer' ? `customer:${reader.customerId}` : `device:${reader.deviceId}`;
}

export async function mayReadBlob(queryable: Queryable, reader: BlobReader, sha256: string) {
  const holders = await messagesHolding(queryable, sha256);
  switch (reader.kind) {
    case 'customer': {
      const reads = holders.some(
        (m) =>
          m.customer_id === reader.customerId && (m.direction === 'inbound' || recipientMayRead(m)),
      );
      if (reads) return true;
      const uploader = uploaderKey({ kind: 'customer', customerId: reader.customerId });
      const uploaded = await typed(queryable).first((db) =>
        db
          .selectFrom('blob_uploads')
          .select('sha256')
          .where('sha256', '=', sha256)
          .where('uploader', '=', uploader)
          .where('complete', '=', 1),
      );
      return uploaded !== undefined;
    }
    case 'device':
      // The residents whose scopes the device may pull (a lobby kiosk: none).
      for (const m of holders) {
        const sees = m.direction === 'outbound' || recipientMayRead(m);
        if (sees && (await mayReadResident(queryable, reader.device, m.resident_id))) return true;
      }
      return false;
  }
}
