import { randomUUID } from 'node:crypto';
import { availableBalance } from '../../../domain/stamps';
import type { ReleaseRequest } from '../../contract';
import type { CallContext, Handlers } from '../context';
import { ServiceError } from '../errors';
import { enqueueMutation } from '../store';
import type { ReleaseRequestRow } from '../store/repositories/account';
import { audit } from './audit';
import { residentId } from './auth';
import { depositBlocks } from './blocks';
import { requireFacility } from './facility';
import { hasPrinter, printReceipt } from './receipts';

function releaseRequest(context: CallContext, row: ReleaseRequestRow): ReleaseRequest {
  return {
    id: row.id,
    tabletSerial: row.tabletSerial,
    agencyAddress: row.agencyAddress,
    firstName: row.firstName,
    lastName: row.lastName,
    docNumber: row.docNumber,
    phone: row.phone,
    returnAddress: row.returnAddress,
    status: row.status,
    createdAt: row.createdAt,
    history: context.core.store.account.releaseHistory(row.id),
  };
}

/** Blocks on the resident's account and the deposit channels still open to them. */
export function residentBlocks(context: CallContext, resident: string, customerId = '') {
  return depositBlocks(context.core.store, resident, customerId, context.now);
}

export const accountHandlers = {
  'account.status'(context) {
    const resident = residentId(context);
    const { decision, blocks } = residentBlocks(context, resident);
    return {
      spendableCents: availableBalance(context.core.store.stamps.spendable(resident)),
      blocks,
      allowedChannels: decision.allowedChannels,
    };
  },

  'account.requestRelease'(context, input) {
    const resident = context.core.store.residents.byId(residentId(context))!;
    if (input.docNumber.toUpperCase() !== resident.docNumber) {
      throw new ServiceError('invalid_input', 'the DOC number must be your own', {
        field: 'docNumber',
      });
    }
    const { store } = context.core;
    // The agency's mailing address is the facility's (pulled from the central service).
    const row: ReleaseRequestRow = {
      ...input,
      agencyAddress: requireFacility(context).agencyAddress,
      docNumber: resident.docNumber,
      id: randomUUID(),
      residentId: resident.id,
      status: 'requested',
      createdAt: context.now,
    };
    store.transaction(() => {
      store.account.addReleaseRequest(row);
      enqueueMutation(
        store,
        'release.request',
        {
          requestId: row.id,
          residentId: row.residentId,
          tabletSerial: row.tabletSerial,
          firstName: row.firstName,
          lastName: row.lastName,
          phone: row.phone,
          returnAddress: row.returnAddress,
        },
        context.now,
      );
      audit(context, 'release.request', row.id, { tabletSerial: row.tabletSerial });
    });
    return releaseRequest(context, row);
  },

  'account.releaseRequests': (context) => ({
    requests: context.core.store.account
      .releaseRequests(residentId(context))
      .map((row) => releaseRequest(context, row)),
  }),

  async 'account.printReleaseForm'(context, input) {
    const row = context.core.store.account
      .releaseRequests(residentId(context))
      .find((request) => request.id === input.requestId);
    if (!row) throw new ServiceError('not_found', 'no such release request');
    const noPrinter = () =>
      new ServiceError('device_unavailable', 'this device has no receipt printer');
    if (!hasPrinter(context.core)) throw noPrinter();
    const mailTo = context.core.warehouseAddress;
    if (!mailTo) {
      throw new ServiceError(
        'unavailable_service',
        'this device has no warehouse address to print on the release form (warehouseAddress)',
      );
    }
    // the six items of the form, as the resident filled them in
    const { id, residentId: _owner, status: _status, createdAt: _createdAt, ...form } = row;
    const job = await printReceipt(context, input.locale, {
      kind: 'release_form',
      requestId: id,
      ...form,
      mailTo,
    });
    if (!job) throw noPrinter();
    return job;
  },
} satisfies Partial<Handlers>;
