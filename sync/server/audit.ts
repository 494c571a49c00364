import type { StaffActor } from './http/access-control';
import { typed } from './storage/typed';
import type { Work } from './work';

/**
 * Appends to the audit trail, in the same transaction as the action it records. `facilityId` is
 * the facility the subject belongs to (null for deployment-wide subjects such as customers): staff
 * read the trail only of their facilities.
 */
export async function audit(
  work: Work,
  actor: string,
  action: string,
  subjectType: string,
  subjectId: string,
  detail: Record<string, unknown>,
  facilityId: string | null = null,
): Promise<void> {
  await typed(work.tx).run((db) =>
    db.insertInto('audit').values({
      id: crypto.randomUUID(),
      actor,
      action,
      subject_type: subjectType,
      subject_id: subjectId,
      detail: JSON.stringify(detail),
      at: work.now,
      facility_id: facilityId,
    }),
  );
}

/** A staff, finance or IT action: the person, the facility it touched, and the state before and after. */
export function auditStaff(
  work: Work,
  staff: StaffActor,
  action: string,
  subject: { type: string; id: string; facilityId: string | null },
  change: { before: unknown; after: unknown; note?: string },
): Promise<void> {
  return audit(
    work,
    `staff:${staff.staffId}`,
    action,
    subject.type,
    subject.id,
    { staffName: staff.name, ...change },
    subject.facilityId,
  );
}
