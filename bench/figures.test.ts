import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createReport, describeGoal, meets } from './figures';
import { createLetterWriter } from './text';

const peer = { name: 'peer', value: 100 };

describe('figure goals', () => {
  it('reads each kind of goal against the value or the peer', () => {
    expect(meets({ name: 'a', value: 20, unit: 'ms', goal: { atMost: 20 } })).toBe(true);
    expect(meets({ name: 'a', value: 21, unit: 'ms', goal: { atMost: 20 } })).toBe(false);
    expect(meets({ name: 'a', value: 5000, unit: 'req/s', goal: { atLeast: 5000 } })).toBe(true);
    expect(meets({ name: 'a', value: 250, unit: 'ms', peer, goal: { peerRatioAtMost: 2.5 } })).toBe(
      true,
    );
    expect(meets({ name: 'a', value: 251, unit: 'ms', peer, goal: { peerRatioAtMost: 2.5 } })).toBe(
      false,
    );
    expect(
      meets({ name: 'a', value: 1500, unit: '/s', peer, goal: { peerRatioAtLeast: 15 } }),
    ).toBe(true);
    expect(
      meets({ name: 'a', value: 5, unit: 'ms', peer, goal: { fasterThanPeerAtLeast: 15 } }),
    ).toBe(true);
    expect(
      meets({ name: 'a', value: 10, unit: 'ms', peer, goal: { fasterThanPeerAtLeast: 15 } }),
    ).toBe(false);
  });

  it('has no verdict without a goal, or without the peer a ratio goal needs', () => {
    expect(meets({ name: 'a', value: 1, unit: 'ms' })).toBeNull();
    expect(meets({ name: 'a', value: 1, unit: 'ms', goal: { peerRatioAtMost: 2 } })).toBeNull();
    expect(describeGoal(undefined, 'ms')).toBe('no goal');
    expect(describeGoal({ atLeast: 30_000 }, 'mutations/s')).toBe('>= 30,000 mutations/s');
  });
});

describe('the report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homeline-figures-'));
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('prints peer, ratio, goal, verdict and load, writes JSON, and fails the process on a miss', () => {
    const lines: string[] = [];
    const report = createReport('sample', { print: (line) => lines.push(line), dir });
    report.note('context');
    report.add({ name: 'fast', value: 200, unit: 'ms', peer, goal: { peerRatioAtMost: 2.5 } });
    report.add({ name: 'slow', value: 1000, unit: 'req/s', goal: { atLeast: 5000 } });
    expect(report.finish()).toBe(false);
    expect(process.exitCode).toBe(1);
    expect(lines[1]).toMatch(
      /fast .*200 ms \| peer: peer 100 ms \| ratio 2\.00x .*PASS \| load \d/,
    );
    expect(lines[2]).toMatch(/slow .*MISS/);
    const written = JSON.parse(readFileSync(join(dir, 'sample.json'), 'utf8')) as {
      notes: string[];
      figures: { name: string; pass: boolean; ratio: number | null; loadAverage1m: number }[];
    };
    expect(written.notes).toEqual(['context']);
    expect(written.figures.map((f) => [f.name, f.pass, f.ratio])).toEqual([
      ['fast', true, 2],
      ['slow', false, null],
    ]);
    expect(written.figures[0]!.loadAverage1m).toBeGreaterThanOrEqual(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the exit code alone when every goal is met', () => {
    const report = createReport('met', { print: () => undefined, dir });
    report.add({ name: 'ok', value: 1, unit: 'ms', goal: { atMost: 2 } });
    expect(report.finish()).toBe(true);
    expect(process.exitCode).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('letter text', () => {
  it('writes ~1 KB letters in English and Spanish, with accents, the same for the same seed', () => {
    const english = createLetterWriter(3).letter('en');
    const spanish = createLetterWriter(3).letter('es');
    for (const letter of [english, spanish]) {
      expect(Buffer.byteLength(letter)).toBeGreaterThan(900);
      expect(Buffer.byteLength(letter)).toBeLessThanOrEqual(1100);
    }
    expect(spanish).toMatch(/[áéíóúñ]/);
    expect(createLetterWriter(3).letter('es')).toBe(spanish);
    expect(createLetterWriter(4).letter('es')).not.toBe(spanish);
    const words = new Set(english.toLowerCase().match(/\p{L}+/gu));
    expect(words.size).toBeGreaterThan(40);
  });
});
