import { describe, expect, it } from 'vitest';
import {
  ReceiptDocumentBuilder,
  ReceiptDocumentError,
  parseReceiptDocument,
} from './receipt-document';

describe('receipt documents', () => {
  it('fills in the defaults of each block', () => {
    const document = new ReceiptDocumentBuilder()
      .printNormal('Total')
      .printBarCode('0042')
      .openDrawer()
      .cutPaper()
      .build();
    expect(document.blocks).toEqual([
      { type: 'text', text: 'Total', align: 'left', bold: false, underline: false, size: 1 },
      {
        type: 'barcode',
        symbology: 'code128',
        data: '0042',
        heightDots: 60,
        humanReadable: 'none',
        fallback: 'none',
      },
      { type: 'drawer', pin: 2, pulseMs: 100 },
      { type: 'cut', mode: 'partial', feedLines: 3 },
    ]);
  });

  it('refuses what could smuggle printer commands or is malformed, naming every issue', () => {
    const cases: [unknown, RegExp][] = [
      [{ blocks: [{ type: 'text', text: 'Evil\u001b@' }] }, /blocks\.0\.text: no control/],
      [{ blocks: [{ type: 'columns', cells: [{ text: 'a\u001dV\u0000' }] }] }, /no control/],
      [{ blocks: [{ type: 'barcode', symbology: 'code128', data: 'é' }] }, /printable ASCII/],
      [{ blocks: [{ type: 'qr', data: 'x'.repeat(151) }] }, /blocks\.0\.data/],
      [
        { blocks: [{ type: 'image', widthDots: 16, heightDots: 2, bits: new Uint8Array(3) }] },
        /widthDots \/ 8 bytes per row/,
      ],
      [
        { blocks: [{ type: 'image', widthDots: 12, heightDots: 1, bits: new Uint8Array(2) }] },
        /multiple of 8/,
      ],
      [{ blocks: [{ type: 'drawer', pin: 3 }] }, /blocks\.0/],
      [{ blocks: [{ type: 'raw', bytes: [0x1b, 0x40] }] }, /blocks\.0/],
      [{ blocks: [] }, /blocks/],
      [new Uint8Array([0x1b, 0x40]), /invalid receipt document/],
    ];
    for (const [raw, message] of cases) {
      expect(() => parseReceiptDocument(raw)).toThrow(ReceiptDocumentError);
      expect(() => parseReceiptDocument(raw)).toThrow(message);
    }
  });
});
