import { describe, expect, it } from 'vitest';
import { renderEscPos } from '../../../hardware/drivers/printer/escpos-render';
import {
  PAPER_WIDTHS,
  PRINTER_PROFILES,
  type PrinterProfileId,
} from '../../../hardware/drivers/printer/profiles';
import { decodeStrict } from '../../../hardware/drivers/printer/strict-escpos-decoder';
import { buildReceiptDocument, type ReceiptInput } from './receipt-documents';

const uuid = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const header = {
  facilityName: 'Condado de Prueba - Centro de Detención del Norte',
  deviceId: 'KIOSK-LOBBY-0042',
  at: '2026-03-04T15:16:00Z',
  supportPhone: '+1 800 555 0199',
};
const receipts: ReceiptInput[] = [
  {
    kind: 'deposit',
    ...header,
    depositId: uuid,
    residentName: 'María de los Ángeles Núñez-Villaseñor Castañeda',
    depositorName: 'José Ignacio Peñalosa de la Fuente y Zúñiga',
    docNumber: 'S1234567890',
    amountCents: 29_905,
    feeCents: 195,
    totalCents: 30_100,
    payment: { method: 'card', card: { brand: 'mastercard', last4: '4444' } },
  },
  {
    kind: 'deposit',
    ...header,
    depositId: '202603041516000042170000000001',
    residentName: 'Ana Lopez',
    docNumber: 'S123456',
    amountCents: 2000,
    feeCents: 0,
    totalCents: 2000,
    payment: { method: 'cash' },
  },
  {
    kind: 'stamp_purchase',
    ...header,
    purchaseId: '202603041516000042',
    residentName: 'Ana Lopez',
    docNumber: 'S123456',
    stamps: 20,
    priceCents: 1000,
    payment: { method: 'cash' },
  },
  {
    kind: 'stamp_purchase',
    ...header,
    purchaseId: uuid,
    residentName: 'Guadalupe Ramírez-Echeverría',
    docNumber: 'S123456',
    stamps: 100,
    priceCents: 5000,
    payment: { method: 'balance' },
  },
  {
    kind: 'release_form',
    ...header,
    requestId: uuid,
    tabletSerial: 'TAB-9001-XYZ',
    agencyAddress:
      'Departamento Correccional del Condado de Nuestra Señora\n1 Main St\nSpringfield, FL 32000',
    firstName: 'María de los Ángeles',
    lastName: 'Núñez-Villaseñor Castañeda',
    docNumber: 'S123456',
    phone: '+1 555 0100',
    returnAddress: '2 Oak Ave\nSpringfield, FL 32001',
    mailTo: 'Homeline Warehouse\n9 Dock Rd',
  },
  { kind: 'test_page', ...header },
];

const referenceOf = (receipt: ReceiptInput) => {
  switch (receipt.kind) {
    case 'deposit':
      return receipt.depositId;
    case 'stamp_purchase':
      return receipt.purchaseId;
    case 'release_form':
      return receipt.requestId;
    case 'test_page':
      return '0123456789';
  }
};

describe('every receipt, in both languages, fits every roll (strict decoder, in dots)', () => {
  for (const profile of Object.keys(PRINTER_PROFILES) as PrinterProfileId[]) {
    for (const paper of PAPER_WIDTHS) {
      const { dots } = PRINTER_PROFILES[profile].paper[paper];
      it(`${profile} on ${paper} (${dots} dots)`, () => {
        for (const receipt of receipts) {
          for (const locale of ['en', 'es'] as const) {
            const document = buildReceiptDocument({ ...receipt, locale });
            const printed = decodeStrict(renderEscPos(document, { profile, paper }));
            const what = `${receipt.kind} (${locale})`;
            for (const line of printed.lines) {
              expect(line.dots, `${what}: line "${line.text}"`).toBeLessThanOrEqual(dots);
            }
            const reference = referenceOf(receipt);
            expect(printed.codes, what).toHaveLength(1);
            const [code] = printed.codes;
            expect(code!.dots + code!.quietDots, `${what}: ${code!.kind}`).toBeLessThanOrEqual(
              dots,
            );
            expect(code!.data).toBe(reference);
            // a numeric reference is a CODE128 where one fits, anything else a QR code
            if (!/^\d+$/.test(reference)) expect(code!.kind).toBe('qr');
            // the whole reference is on paper as text too, however the lines wrap it
            const text = printed.lines.map((line) => line.text.trim()).join('');
            expect(text, what).toContain(reference);
            expect(printed.cuts).toBe(1);
          }
        }
      });
    }
  }

  it('a 30-digit reference is a CODE128 on 80 mm and a QR code where the roll is too narrow', () => {
    const document = buildReceiptDocument(receipts[1]!);
    const on = (profile: PrinterProfileId, paper: '58mm' | '80mm') =>
      decodeStrict(renderEscPos(document, { profile, paper })).codes[0]!.kind;
    expect(on('escpos-generic', '80mm')).toBe('code128');
    expect(on('escpos-generic', '58mm')).toBe('qr');
  });
});
