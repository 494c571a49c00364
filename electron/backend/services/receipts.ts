import { randomUUID } from 'node:crypto';
import type { Locale } from '../../../domain/types';
import type { CardResult, PrintJob } from '../../contract';
import type { BackendCore, CallContext } from '../context';
import { buildReceiptDocument, type ReceiptInput } from '../receipts/receipt-documents';

/** The header every receipt carries; printReceipt fills it in. */
type Header = 'deviceId' | 'at' | 'timeZone' | 'locale' | 'facilityName' | 'supportPhone';
type WithoutHeader<R> = R extends unknown ? Omit<R, Header> : never;
/** One receipt's own content (deposit, stamp purchase, release form or test page). */
export type ReceiptContent = WithoutHeader<ReceiptInput>;

/** Receipt headings hold at most this many characters (hardware receipt schema). */
const FACILITY_NAME_MAX = 80;
/** A device id on a receipt line: the serial when set, else the UUID's first group (fits). */
const SHORT_ID_LENGTH = 8;

/** How a receipt names a payment: a card by brand and last four only, else cash. */
export function paidWith(card: Pick<CardResult, 'brand' | 'last4'> | null | undefined) {
  return card
    ? { method: 'card' as const, card: { brand: card.brand, last4: card.last4 } }
    : { method: 'cash' as const };
}

/** Whether this device can print receipts at all. */
export function hasPrinter(core: BackendCore): boolean {
  return core.devices?.hardware().receiptPrinter ?? false;
}

function receiptDeviceId(core: BackendCore): string {
  const identity = core.store.identity.device();
  return identity?.serial ?? identity?.deviceId.slice(0, SHORT_ID_LENGTH) ?? core.facilityId;
}

/**
 * Prints a receipt when the device has a printer; null when it has none. The wording, in English
 * and Spanish, is in receipts/receipt-text.ts; the document is laid out by the printer's driver.
 */
export async function printReceipt(
  context: CallContext,
  locale: Locale,
  content: ReceiptContent,
): Promise<PrintJob | null> {
  const { core } = context;
  const devices = core.devices;
  if (!devices || !hasPrinter(core)) return null;
  const facility = core.facility();
  const input = {
    ...content,
    deviceId: receiptDeviceId(core),
    at: context.now,
    locale,
    timeZone: facility?.timezone ?? 'UTC',
    facilityName: facility?.name.slice(0, FACILITY_NAME_MAX),
    supportPhone: facility?.supportPhone,
  };
  try {
    return await devices.print(buildReceiptDocument(input));
  } catch (error) {
    // What was paid stays recorded; a failed receipt is reported, never a failed payment.
    core.logger.warn({ err: error, kind: content.kind }, 'receipt did not print');
    return { jobId: randomUUID(), status: 'failed', error: (error as Error).message };
  }
}
