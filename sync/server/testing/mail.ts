import type { FacilityConfig } from '../../../domain';
import { insertMessage } from '../mail';
import type { MessageRow } from '../publish';
import { releaseMessage } from '../review';
import type { Work } from '../work';

/**
 * An email from a customer to a resident, stored and already released by a reviewer, so it
 * passes the review gate down to the resident's devices (test and benchmark data).
 */
export async function insertReleasedEmail(
  work: Work,
  mail: {
    facility: FacilityConfig;
    residentId: string;
    customerId: string;
    subject: string;
    body: string;
  },
): Promise<void> {
  const id = crypto.randomUUID();
  await insertMessage(work, {
    id,
    ...mail,
    direction: 'inbound',
    kind: 'email',
    attachments: [],
    stampsCharged: 1,
    prepaidUsed: 0,
    prepaidAttached: 0,
  });
  const row = await work.tx.get<MessageRow>('SELECT * FROM messages WHERE id = ?', [id]);
  await releaseMessage(work, row!);
}
