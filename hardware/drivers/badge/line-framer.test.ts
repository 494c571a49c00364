import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../hal';
import { BadgeLineFramer, type LineEvent } from './line-framer';

const framer = () => new BadgeLineFramer(32, /^[A-Z0-9-]{6,32}$/);
const bytes = (text: string) => Buffer.from(text, 'latin1');
const codes = (events: LineEvent[]) =>
  events.map((event) => (event.kind === 'scan' ? event.scan.token : event.error.extendedCode));

describe('badge line framer', () => {
  it('splits CR and CRLF lines and strips the AIM prefix', () => {
    const events = framer().push(bytes('S123456\r]C0FL-998877\r\n]Q1ABC-123\n'));
    expect(events).toEqual([
      { kind: 'scan', scan: { token: 'S123456', symbology: null } },
      { kind: 'scan', scan: { token: 'FL-998877', symbology: 'code128' } },
      { kind: 'scan', scan: { token: 'ABC-123', symbology: 'qr' } },
    ]);
  });

  it('refuses control bytes, overlong lines and wrong formats, then reads the next line', () => {
    const events = framer().push(bytes(`AB\x00CDEF\r${'X'.repeat(40)}\rhello!\rS123456\r`));
    expect(codes(events)).toEqual(['control_bytes', 'too_long', 'bad_format', 'S123456']);
  });

  it('never throws on random bytes and always recovers at the next line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (noise) => {
        const lines = framer();
        for (const event of lines.push(noise)) {
          if (event.kind === 'error') expect(event.error).toBeInstanceOf(DeviceError);
          else expect(event.scan.token).toMatch(/^[A-Z0-9-]{6,32}$/);
        }
        const after = lines.push(bytes('\rS123456\r'));
        expect(codes(after).at(-1)).toBe('S123456');
      }),
    );
  });
});
