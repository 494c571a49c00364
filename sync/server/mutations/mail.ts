import { appendToTimeline, splitStampPayment, type MessageStatus } from '../../../domain';
import type { MutationArgs } from '../../protocol';
import { uploaderKey } from '../blob-access';
import { facilityOf } from '../facilities';
import type { AuthenticatedDevice } from '../http/device-auth';
import { bookReplyStamps, debit, replyHolding } from '../ledger';
import { insertMessage, priceMessage, requireUploaded } from '../mail';
import { publishContact, publishMessage, residentMaySee, type MessageRow } from '../publish';
import { reject } from '../rejection';
import { isContact, residentInFacility } from '../residents';
import { prepared, typed } from '../storage/typed';
import { remember, type Work } from '../work';

/**
 * mail.send: the authoritative stamp spend. Prepaid reply stamps from the recipient pay first
 * (domain splitStampPayment), the rest comes from the resident's balance; not enough is a
 * permanent rejection, and the device returns the message to drafts with the reason.
 */
export async function mailSend(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'mail.send'>,
): Promise<void> {
  // No mutation moves a resident to another facility: checked once per resident a batch.
  const residentId = await remember(
    work,
    `resident:${device.facilityId}:${args.residentId}`,
    async () => {
      const resident = await residentInFacility(work.tx, device.facilityId, args.residentId);
      return resident.id;
    },
  );
  const contact = await remember(work, `contact:${residentId}:${args.customerId}`, () =>
    isContact(work.tx, residentId, args.customerId),
  );
  if (!contact) reject('forbidden', 'the resident may not write to this customer');
  const facility = await facilityOf(work, device.facilityId);
  const cost = priceMessage(facility, args.kind, args.attachments);
  await requireUploaded(work, args.attachments, {
    uploaderKey: uploaderKey({ kind: 'device', deviceId: device.id }),
    messageId: args.messageId,
  });
  const held = await replyHolding(work, residentId, args.customerId);
  const split = splitStampPayment(facility, { [args.customerId]: held }, args.customerId, cost);
  if (!split.ok) reject('invalid_args', split.error.message);
  await bookReplyStamps(
    work,
    residentId,
    args.customerId,
    -split.value.prepaidUsed,
    'mail_send',
    args.messageId,
  );
  await debit(work, {
    owner: { type: 'resident', id: residentId },
    account: 'stamps',
    amount: split.value.regularNeeded,
    kind: 'mail_send',
    reference: args.messageId,
  });
  await insertMessage(work, {
    id: args.messageId,
    facility,
    residentId,
    customerId: args.customerId,
    direction: 'outbound',
    kind: args.kind,
    subject: args.subject,
    body: args.body,
    attachments: args.attachments,
    stampsCharged: cost,
    prepaidUsed: split.value.prepaidUsed,
    prepaidAttached: 0,
  });
  if (split.value.prepaidUsed > 0) await publishContact(work, residentId, args.customerId);
}

const lockedMessage = prepared((db, p: { id: string }, { lockRows }) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', p.id)
    .$narrowType<Pick<MessageRow, 'direction' | 'status'>>()
    .$call(lockRows),
);

const markRead = prepared((db, p: { id: string; timeline: string }) =>
  db.updateTable('messages').set({ status: 'read', timeline: p.timeline }).where('id', '=', p.id),
);

/** mail.markRead: an inbound, released message becomes delivered (if not yet) and read. */
export async function mailMarkRead(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'mail.markRead'>,
): Promise<void> {
  await residentInFacility(work.tx, device.facilityId, args.residentId);
  const q = typed(work.tx);
  const row = await q.first(lockedMessage, { id: args.messageId });
  // Behind the review gate a message does not exist for the resident's devices.
  if (
    !row ||
    row.resident_id !== args.residentId ||
    row.direction !== 'inbound' ||
    !residentMaySee(row)
  ) {
    reject('not_found', `no inbound message ${args.messageId} for this resident`);
  }
  if (row.status === 'read') return;
  const steps: MessageStatus[] = row.status === 'released' ? ['delivered', 'read'] : ['read'];
  let timeline = JSON.parse(row.timeline);
  for (const status of steps) {
    const moved = appendToTimeline(timeline, status, work.now);
    if (!moved.ok) reject('conflict', moved.error.message);
    timeline = moved.value;
  }
  await q.run(markRead, { id: row.id, timeline: JSON.stringify(timeline) });
  await publishMessage(work, row.id);
}
