import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ReceiptDocumentBuilder,
  ReceiptDocumentError,
  parseReceiptDocument,
  type ColumnCell,
} from '../../hal';
import { layoutColumns } from './columns';
import { renderEscPos } from './escpos-render';
import { PAPER_WIDTHS, PRINTER_PROFILES, type PrinterProfileId } from './profiles';
import { decodeStrict } from './strict-escpos-decoder';

const uuid = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const longName = 'María de los Ángeles Núñez-Villaseñor Castañeda';
const profiles = Object.keys(PRINTER_PROFILES) as PrinterProfileId[];

/** A black frame `width` dots wide and 16 high: 1-bit rows, most significant bit first. */
function frame(width: number): Uint8Array {
  const rowBytes = width / 8;
  const bits = new Uint8Array(rowBytes * 16);
  for (let y = 0; y < 16; y += 1) {
    if (y === 0 || y === 15) bits.fill(0xff, y * rowBytes, (y + 1) * rowBytes);
    bits[y * rowBytes] = (bits[y * rowBytes] as number) | 0x80;
    bits[(y + 1) * rowBytes - 1] = (bits[(y + 1) * rowBytes - 1] as number) | 0x01;
  }
  return bits;
}

describe('every block of the document model fits every roll (strict decoder, in dots)', () => {
  for (const profile of profiles) {
    for (const paper of PAPER_WIDTHS) {
      const { dots, columns } = PRINTER_PROFILES[profile].paper[paper];
      it(`${profile} on ${paper} (${dots} dots, ${columns} columns)`, () => {
        const document = new ReceiptDocumentBuilder()
          .printNormal('RECIBO DE DEPÓSITO', { align: 'center', bold: true, size: 2 })
          .printNormal(longName, { underline: true })
          .printColumns([
            { text: 'Residente', weight: 2 },
            { text: longName, weight: 3 },
          ])
          .printColumns([
            { text: 'Cantidad para el residente', weight: 3 },
            { text: '$1,299.05', weight: 2, align: 'right' },
          ])
          .printColumns([{ text: longName, overflow: 'truncate' }, { text: 'S1234567' }])
          .printRule()
          .feed(1)
          .printBarCode('202603041516000042', { humanReadable: 'below' })
          .printBarCode(uuid, { fallback: 'qr' })
          .printQrCode(uuid, { errorCorrection: 'Q' })
          .printBitmap({
            widthDots: Math.floor(dots / 8) * 8,
            heightDots: 16,
            bits: frame(Math.floor(dots / 8) * 8),
          })
          .openDrawer({ pin: 2, pulseMs: 100 })
          .cutPaper()
          .build();
        const printed = decodeStrict(renderEscPos(document, { profile, paper }));
        for (const line of printed.lines) {
          expect(line.dots, `line "${line.text}"`).toBeLessThanOrEqual(dots);
        }
        // CODE128 subset C of 18 digits, then the UUID as a QR (no CODE128 of it fits), then the QR
        expect(printed.codes.map((code) => [code.kind, code.data])).toEqual([
          ['code128', '202603041516000042'],
          ['qr', uuid],
          ['qr', uuid],
        ]);
        for (const code of printed.codes) {
          expect(code.dots + code.quietDots, `${code.kind} with quiet zones`).toBeLessThanOrEqual(
            dots,
          );
        }
        expect(printed.images).toHaveLength(1);
        expect(printed.images[0]!.widthDots).toBeLessThanOrEqual(dots);
        expect(printed.drawerKicks).toEqual([{ pin: 2, onMs: 100, offMs: 200 }]);
        expect(printed.cuts).toBe(1);
        // the wrapped name is all on paper (compared by its ASCII letters: the code tables differ)
        const ascii = (text: string) => text.replace(/[^\x21-\x7e]/g, '');
        const text = ascii(printed.lines.map((line) => line.text).join(''));
        expect(text).toContain(ascii(longName));
      });
    }
  }

  it('refuses what cannot fit: an image wider than the roll, a CODE128 without a fallback', () => {
    const wide = new ReceiptDocumentBuilder()
      .printBitmap({ widthDots: 392, heightDots: 16, bits: frame(392) })
      .build();
    expect(() => renderEscPos(wide, { profile: 'escpos-generic', paper: '58mm' })).toThrow(
      ReceiptDocumentError,
    );
    expect(
      decodeStrict(renderEscPos(wide, { profile: 'escpos-generic', paper: '80mm' })).images,
    ).toHaveLength(1);
    const code = new ReceiptDocumentBuilder().printBarCode(uuid).build();
    expect(() => renderEscPos(code, { profile: 'epson-tm-t88', paper: '80mm' })).toThrow(
      /does not fit 512 dots/,
    );
  });

  it('a character an old DOS table keeps at a control byte (§ ¶ ♫ in PC858) never becomes one', () => {
    const document = new ReceiptDocumentBuilder().printNormal('§1 ¶2 ♫3 ñ').build();
    const [line] = decodeStrict(
      renderEscPos(document, { profile: 'escpos-pc858', paper: '58mm' }),
    ).lines;
    expect(line!.text).toBe('?1 ?2 ?3 \xa4'); // ñ is 0xA4 in PC858
  });

  it('the decoder measures what a UUID CODE128 would take: wider than any roll', () => {
    const data = Buffer.from(`{B${uuid}`, 'latin1');
    const bytes = Uint8Array.from([0x1d, 0x77, 2, 0x1d, 0x6b, 73, data.length, ...data]);
    const [code] = decodeStrict(bytes).codes;
    expect(code!.dots).toBe((11 * 38 + 13) * 2);
    expect(code!.dots).toBeGreaterThan(576);
  });

  it('the decoder refuses bytes it does not know', () => {
    expect(() => decodeStrict(Uint8Array.of(0x1b, 0x99, 0))).toThrow(/unknown ESC/);
    expect(() => decodeStrict(Uint8Array.of(0x1d, 0x6b, 73, 5, 0x7b))).toThrow(/truncated/);
    expect(() => decodeStrict(Uint8Array.of(0x07))).toThrow(/control byte/);
    expect(() => decodeStrict(Uint8Array.of(0x1b, 0x70, 0, 50, 10))).toThrow(/off time/);
  });
});

describe('columns', () => {
  const cell = (text: string, extra: Partial<ColumnCell> = {}): ColumnCell => ({
    text,
    align: 'left',
    weight: 1,
    overflow: 'wrap',
    ...extra,
  });

  it('share one line when they fit: label at the left edge, value at the right', () => {
    expect(layoutColumns([cell('Total'), cell('$22.95')], 32)).toEqual([
      `Total${' '.repeat(21)}$22.95`,
    ]);
    expect(layoutColumns([cell('a'), cell('b'), cell('c')], 6)).toEqual(['a  b c']);
  });

  it('wrap a long Spanish name in its share at spaces, nothing lost, every line within the roll', () => {
    for (const columns of [30, 32, 35, 42, 48]) {
      const lines = layoutColumns(
        [cell('Residente', { weight: 2 }), cell(longName, { weight: 3 })],
        columns,
      );
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
      const labelWidth = Math.floor(((columns - 1) * 2) / 5);
      const value = lines.map((line) => line.slice(labelWidth + 1).trim()).join(' ');
      expect(value).toBe(longName);
      expect(lines[0]!.startsWith('Residente')).toBe(true);
    }
  });

  it('split a word longer than its share (a reference) without cutting it', () => {
    const lines = layoutColumns([cell('Referencia', { weight: 2 }), cell(uuid, { weight: 3 })], 32);
    expect(lines.map((line) => line.slice(13)).join('')).toBe(uuid);
  });

  it('truncate a cell marked truncate to its share, keeping the other cell whole', () => {
    const [line, ...rest] = layoutColumns(
      [cell(longName, { overflow: 'truncate', weight: 3 }), cell('S1234567', { align: 'right' })],
      32,
    );
    expect(rest).toEqual([]);
    expect(line).toBe(`${longName.slice(0, 23)} S1234567`);
  });

  const printable = fc
    .string({ unit: 'grapheme', maxLength: 60 })
    .map((text) => text.replace(/\p{Cc}/gu, ''));
  const cells = fc.array(
    fc.record({
      text: printable,
      align: fc.constantFrom('left' as const, 'center' as const, 'right' as const),
      weight: fc.integer({ min: 1, max: 5 }),
      overflow: fc.constantFrom('wrap' as const, 'truncate' as const),
    }),
    { minLength: 1, maxLength: 4 },
  );

  it('never exceed the roll, and a wrapped cell alone keeps every character (property)', () => {
    fc.assert(
      fc.property(cells, fc.constantFrom(30, 32, 35, 42, 48), (row, columns) => {
        for (const line of layoutColumns(row, columns)) {
          expect(line.length).toBeLessThanOrEqual(columns);
        }
        const [first] = row as [ColumnCell];
        const alone = layoutColumns([{ ...first, overflow: 'wrap' }], columns);
        expect(alone.join('').replace(/\s/g, '')).toBe(first.text.replace(/\s/g, ''));
      }),
    );
  });

  it('any text in any block renders to bytes the strict decoder accepts, within the roll (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            printable.map((text) => ({ type: 'text', text })),
            cells.map((c) => ({ type: 'columns', cells: c })),
          ),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.constantFrom(...profiles),
        fc.constantFrom(...PAPER_WIDTHS),
        (blocks, profile, paper) => {
          const document = parseReceiptDocument({ blocks: [...blocks, { type: 'cut' }] });
          const printed = decodeStrict(renderEscPos(document, { profile, paper }));
          const { dots } = PRINTER_PROFILES[profile].paper[paper];
          for (const line of printed.lines) expect(line.dots).toBeLessThanOrEqual(dots);
          expect(printed.cuts).toBe(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
