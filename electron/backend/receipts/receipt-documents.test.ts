import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderEscPos, type PrinterLayout } from '../../../hardware/drivers/printer/escpos-render';
import { ReceiptInputError, buildReceiptDocument, type ReceiptInput } from './receipt-documents';

/** The receipt as the generic ESC/POS printer's driver renders it (80 mm unless said). */
const encodeReceipt = (
  input: ReceiptInput,
  layout: PrinterLayout = { profile: 'escpos-generic', paper: '80mm' },
) => renderEscPos(buildReceiptDocument(input), layout);

const deposit: ReceiptInput = {
  kind: 'deposit',
  facilityName: 'Test County Jail',
  deviceId: 'kiosk-7',
  at: '2026-03-04T15:16:00Z',
  locale: 'es',
  depositId: 'dep-0001',
  residentName: 'José Núñez',
  docNumber: 'S123456',
  amountCents: 2000,
  feeCents: 295,
  totalCents: 2295,
  payment: { method: 'cash' },
};

const includes = (haystack: Uint8Array, needle: number[]) =>
  Buffer.from(haystack).includes(Buffer.from(needle));

describe('receipt documents as the ESC/POS driver prints them', () => {
  it('initializes first, selects WPC1252, prints accents as 1252 bytes, cuts last', () => {
    const bytes = encodeReceipt(deposit);
    expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]);
    expect(includes(bytes, [0x1b, 0x74, 16])).toBe(true);
    // "Ó" of DEPÓSITO and "ú" of Núñez as single WPC1252 bytes
    expect(includes(bytes, [0x44, 0x45, 0x50, 0xd3])).toBe(true);
    expect(includes(bytes, [0x4e, 0xfa, 0xf1, 0x65, 0x7a])).toBe(true);
    expect(includes(bytes, [0x1d, 0x56, 0x01])).toBe(true);
    // a reference with letters goes into a QR code (GS ( k, store data)
    const ref = [...Buffer.from('dep-0001')];
    expect(includes(bytes, [0x1d, 0x28, 0x6b, ref.length + 3, 0, 0x31, 0x50, 0x30, ...ref])).toBe(
      true,
    );
  });

  it('prints a numeric reference as CODE128 subset C, two digits per symbol', () => {
    const bytes = encodeReceipt({ ...deposit, depositId: '20260304151600' });
    const pairs = [20, 26, 3, 4, 15, 16, 0];
    const data = [0x7b, 0x43, ...pairs]; // {C
    expect(includes(bytes, [0x1d, 0x6b, 0x49, data.length, ...data])).toBe(true);
  });

  it('prints the full reference as text, wrapped, and names the depositor and support line', () => {
    const reference = 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b';
    const text = Buffer.from(
      encodeReceipt(
        {
          ...deposit,
          locale: 'en',
          depositId: reference,
          depositorName: 'María Pérez',
          supportPhone: '+1 800 555 0199',
        },
        { profile: 'escpos-generic', paper: '58mm' },
      ),
    ).toString('latin1');
    // 32 columns on 58 mm: the reference continues on the next line under itself, nothing cut
    expect(text).toContain('Reference    a3f1c2d4-5b6e-4f70-\n');
    expect(text).toContain('\r             8a9b-0c1d2e3f4a5b\n');
    expect(text).toContain('Deposited by');
    expect(text).toContain('Mar\xeda P\xe9rez');
    expect(text).toContain('Questions? Call +1 800 555 0199');
  });

  it('transliterates what the code table lacks instead of printing "?"', () => {
    const text = (residentName: string, profile: 'escpos-generic' | 'escpos-pc858') =>
      Buffer.from(encodeReceipt({ ...deposit, residentName }, { profile, paper: '80mm' })).toString(
        'latin1',
      );
    // Ł and ř are not in WPC1252: their Latin reading prints instead; á is, and stays
    expect(text('Łukasz Dvořák', 'escpos-generic')).toContain('Lukasz Dvor\xe1k');
    expect(text('Łukasz Dvořák', 'escpos-generic')).not.toContain('?');
    // PC858 has ñ (0xA4) and ú (0xA3): Spanish letters stay letters
    const pc858 = text('José Núñez', 'escpos-pc858');
    expect(pc858).toContain('Jos\x82 N\xa3\xa4ez');
    expect(includes(Buffer.from(pc858, 'latin1'), [0x1b, 0x74, 19])).toBe(true);
  });

  it('prints the release form with a QR code of the request id', () => {
    const bytes = encodeReceipt({
      kind: 'release_form',
      facilityName: 'Test County Jail',
      deviceId: 'kiosk-7',
      at: '2026-03-04T15:16:00Z',
      requestId: 'rel-42',
      tabletSerial: 'TAB-9001',
      agencyAddress: '1 Main St\nSpringfield, FL 32000',
      firstName: 'Ana',
      lastName: 'Lopez',
      docNumber: 'S123456',
      phone: '+1 555 0100',
      returnAddress: '2 Oak Ave\nSpringfield, FL 32001',
      mailTo: 'Homeline Warehouse\n9 Dock Rd',
    });
    const data = [...Buffer.from('rel-42')];
    expect(includes(bytes, [0x1d, 0x28, 0x6b, data.length + 3, 0, 0x31, 0x50, 0x30, ...data])).toBe(
      true,
    );
    expect(includes(bytes, [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30])).toBe(true);
  });

  it('refuses control characters, bad amounts and unknown kinds with a typed error', () => {
    const cases: unknown[] = [
      { ...deposit, residentName: 'Evil\x1b@Name' },
      { ...deposit, residentName: 'cut\x1dV\x00' },
      { ...deposit, amountCents: -1 },
      { ...deposit, amountCents: 1.5 },
      { ...deposit, kind: 'refund' },
      { ...deposit, at: 'yesterday' },
      null,
    ];
    for (const input of cases) {
      expect(() => encodeReceipt(input as ReceiptInput)).toThrow(ReceiptInputError);
    }
  });

  it('never lets text inject a command: any printable name encodes, or is refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (name) => {
        try {
          const bytes = encodeReceipt({ ...deposit, residentName: name });
          expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]);
          expect(/\p{Cc}/u.test(name)).toBe(false);
        } catch (error) {
          expect(error).toBeInstanceOf(ReceiptInputError);
        }
      }),
    );
  });
});
