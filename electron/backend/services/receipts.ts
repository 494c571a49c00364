import { randomUUID } from 'node:crypto';
import type { Locale } from '../../../domain/types';
import type { PrintJob } from '../../contract';
import type { CallContext } from '../context';
import type { PrintRequest } from '../ports';

/** Receipt and form wording in every supported language. */
const words = {
  deposit: { en: 'Deposit receipt', es: 'Recibo de depósito' },
  stamp_purchase: { en: 'Stamp purchase', es: 'Compra de estampillas' },
  release_form: { en: 'Tablet release form', es: 'Formulario de devolución de tableta' },
  test: { en: 'Test print', es: 'Impresión de prueba' },
  amount: { en: 'Amount', es: 'Monto' },
  fee: { en: 'Fee', es: 'Cargo' },
  total: { en: 'Total', es: 'Total' },
  resident: { en: 'Resident', es: 'Residente' },
  reference: { en: 'Reference', es: 'Referencia' },
  status: { en: 'Status', es: 'Estado' },
  stamps: { en: 'Stamps', es: 'Estampillas' },
  bundle: { en: 'Bundle', es: 'Paquete' },
  card: { en: 'Card', es: 'Tarjeta' },
  tablet: { en: 'Tablet serial', es: 'Número de serie de la tableta' },
  agency: { en: 'Agency address', es: 'Dirección de la agencia' },
  name: { en: 'Name', es: 'Nombre' },
  doc: { en: 'DOC number', es: 'Número DOC' },
  phone: { en: 'Telephone', es: 'Teléfono' },
  returnAddress: { en: 'Return address', es: 'Dirección de devolución' },
  device: { en: 'Device', es: 'Dispositivo' },
  time: { en: 'Time', es: 'Hora' },
} as const satisfies Record<string, Record<Locale, string>>;

export type ReceiptWord = keyof typeof words;

export function money(cents: number): string {
  return `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Prints a receipt when the device has a printer; null when it has none. */
export async function printReceipt(
  context: CallContext,
  kind: PrintRequest['kind'],
  locale: Locale,
  lines: [ReceiptWord, string][],
): Promise<PrintJob | null> {
  const devices = context.core.devices;
  if (!devices || !devices.hardware().receiptPrinter) return null;
  try {
    return await devices.print({
      kind,
      locale,
      title: words[kind][locale],
      lines: lines.map(([label, value]) => ({ label: words[label][locale], value })),
    });
  } catch (error) {
    // What was paid stays recorded; a failed receipt is reported, never a failed payment.
    context.core.logger.warn({ err: error, kind }, 'receipt did not print');
    return { jobId: randomUUID(), status: 'failed', error: (error as Error).message };
  }
}
