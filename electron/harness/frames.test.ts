import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, MAX_FRAME_BYTES } from '../contract';
import { MAX_FRAME_DEPTH, parseFrame } from './frames';

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

  it('refuses a frame nested deeper than the limit before parsing it, whatever its size', () => {
    const nested = (depth: number, open = '[', close = ']') =>
      Buffer.from(
        `{"type":"invoke","id":3,"method":"device.info","input":{"a":${open.repeat(depth)}${close.repeat(depth)}}}`,
      );
    // Two levels are the envelope and input; the rest fill up to the limit exactly.
    expect(parseFrame(nested(MAX_FRAME_DEPTH - 2), false)).toMatchObject({ ok: true, id: 3 });
    for (const frame of [
      nested(MAX_FRAME_DEPTH - 1),
      nested(1_000_000),
      nested(1_000_000, '{"k":', '}'),
    ]) {
      expect(parseFrame(frame, false)).toMatchObject({
        ok: false,
        frame: { id: null, result: { error: { code: 'invalid_input' } } },
      });
    }
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    // A backslash and a quote inside the text: JSON writes them escaped, \\ and \".
    const text = `${'[{'.repeat(100)}\\"${']}'.repeat(100)}`;
    const frame = {
      type: 'invoke',
      id: 4,
      method: 'device.info',
      input: { text },
    };
    expect(parseFrame(Buffer.from(JSON.stringify(frame)), false)).toMatchObject({
      ok: true,
      id: 4,
    });
  });
});
