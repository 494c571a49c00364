import { describe, expect, it } from 'vitest';
import { blocksPrinting, genericEscPos, isAsbHeader, isStatusReply } from './status';

describe('real-time status decoding', () => {
  it('tells replies and ASB headers apart by the fixed bits', () => {
    expect(isStatusReply(0x12)).toBe(true);
    expect(isStatusReply(0x72)).toBe(true);
    expect(isStatusReply(0x10)).toBe(false);
    expect(isAsbHeader(0x10)).toBe(true);
    expect(isStatusReply(0x41)).toBe(false);
  });

  it('decodes the documented vectors', () => {
    const ok = genericEscPos.decode({ 1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12 });
    expect(ok.condition).toBe('ok');
    const out = genericEscPos.decode({ 1: 0x1a, 2: 0x32, 3: 0x12, 4: 0x72 });
    expect(out).toMatchObject({ condition: 'paper_out', paperOut: true, offline: true });
    expect(genericEscPos.decode({ 1: 0x1a, 2: 0x32, 3: 0x12, 4: 0x7e }).paperNearEnd).toBe(true);
    const near = genericEscPos.decode({ 1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1e });
    expect(near.condition).toBe('paper_near_end');
    expect(blocksPrinting(near)).toBe(false);
    const cover = genericEscPos.decode({ 1: 0x1a, 2: 0x16, 3: 0x12, 4: 0x12 });
    expect(cover.condition).toBe('cover_open');
    expect(blocksPrinting(cover)).toBe(true);
    // an autocutter error sets bit 3 of DLE EOT 3 only; bit 6 alone is automatically recoverable
    const cutter = genericEscPos.decode({ 1: 0x3a, 2: 0x52, 3: 0x1a, 4: 0x12 });
    expect(cutter).toMatchObject({ condition: 'error', errorCause: 'cutter', recoverable: true });
    const overheat = genericEscPos.decode({ 1: 0x1a, 2: 0x52, 3: 0x52, 4: 0x12 });
    expect(overheat).toMatchObject({ errorCause: 'overheat', recoverable: false });
    const mechanical = genericEscPos.decode({ 1: 0x3a, 2: 0x52, 3: 0x16, 4: 0x12 });
    expect(mechanical).toMatchObject({ errorCause: 'mechanical', recoverable: true });
    const dead = genericEscPos.decode({ 1: 0x1a, 2: 0x52, 3: 0x3a, 4: 0x12 });
    expect(dead).toMatchObject({ errorCause: 'unrecoverable', recoverable: false });
  });
});
