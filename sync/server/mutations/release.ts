import { ReleaseFormSchema } from '../../../domain';
import type { MutationArgs, ReleaseRequestData } from '../../protocol';
import { facilityOf } from '../facilities';
import type { AuthenticatedDevice } from '../http/device-auth';
import { publishReleaseRequest } from '../publish';
import { reject } from '../rejection';
import { residentInFacility } from '../residents';
import { prepared, typed } from '../storage/typed';
import type { Work } from '../work';

const existingRequest = prepared((db, p: { id: string }) =>
  db.selectFrom('release_requests').select('id').where('id', '=', p.id),
);

const insertRequest = prepared((db, p: { id: string; resident: string; data: string }) =>
  db.insertInto('release_requests').values({ id: p.id, resident_id: p.resident, data: p.data }),
);

/** release.request: a tablet release/unlock request, tracked from requested to shipped back. */
export async function releaseRequest(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'release.request'>,
): Promise<void> {
  const resident = await residentInFacility(work.tx, device.facilityId, args.residentId);
  const q = typed(work.tx);
  if (await q.first(existingRequest, { id: args.requestId })) {
    reject('conflict', `release request ${args.requestId} already exists`);
  }
  const facility = await facilityOf(work, device.facilityId);
  // The args passed the domain's field schemas already; the whole form adds the facility's
  // address and the resident's identity, which must be printable too.
  const form = ReleaseFormSchema.safeParse({
    ...args,
    agencyAddress: facility.agencyAddress,
    state: resident.state,
    docNumber: resident.doc_number,
  });
  if (!form.success)
    reject('invalid_args', form.error.issues.map((issue) => issue.message).join('; '));
  const request: ReleaseRequestData = {
    id: args.requestId,
    residentId: resident.id,
    tabletSerial: args.tabletSerial,
    firstName: args.firstName,
    lastName: args.lastName,
    docNumber: resident.doc_number,
    phone: args.phone,
    returnAddress: args.returnAddress,
    agencyAddress: facility.agencyAddress,
    status: 'requested',
    timeline: [{ status: 'requested', at: work.now }],
  };
  await q.run(insertRequest, {
    id: request.id,
    resident: resident.id,
    data: JSON.stringify(request),
  });
  publishReleaseRequest(work, request);
}
