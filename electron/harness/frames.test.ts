import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, MAX_FRAME_BYTES } from '../contract';
import { parseFrame } from './frames';

describe('parseFrame', () => {
  it('turns any bytes into an invoke or a typed error frame, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, isBinary) => {
        const parsed = parseFrame(Buffer.from(bytes), isBinary);
        if (!parsed.ok) {
          expect(parsed.frame.result.ok).toBe(false);
          if (!parsed.frame.result.ok)
            expect(ERROR_CODES).toContain(parsed.frame.result.error.code);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('answers any JSON that is not an invoke with invalid_input, keeping a usable id', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseFrame(Buffer.from(JSON.stringify(value)), false);
        if (!parsed.ok) expect(parsed.frame.result).toMatchObject({ ok: false });
      }),
      { numRuns: 500 },
    );
    const wrong = parseFrame(Buffer.from('{"type":"invoke","id":7,"method":""}'), false);
    expect(wrong).toMatchObject({ ok: false, frame: { id: 7 } });
  });

  it('accepts an invoke frame and refuses one byte over the limit', () => {
    const frame = { type: 'invoke', id: 1, method: 'device.info', input: {} };
    expect(parseFrame(Buffer.from(JSON.stringify(frame)), false)).toEqual({
      ok: true,
      id: 1,
      method: 'device.info',
      input: {},
    });
    const big = parseFrame(Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20), false);
    expect(big).toMatchObject({
      ok: false,
      frame: { result: { error: { code: 'payload_too_large' } } },
    });
  });
});
