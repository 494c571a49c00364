/**
 * The one way a benchmark reports a figure (docs/performance.md, "The reporter"). Each figure is
 * printed beside its peer measured in the same run, the ratio between them, the goal, pass or
 * miss, and the 1-minute load average at the moment it was recorded (the machine is shared: a
 * figure without its load means little). `finish()` writes every figure of the bench to
 * bench/results/<bench>.json and sets a non-zero exit code when any goal was missed, so
 * `npm run bench` fails too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A figure's goal, read against its value or against its peer. */
export type Goal =
  /** value <= n, in the figure's unit (a time, a latency). */
  | { atMost: number }
  /** value >= n (a rate). */
  | { atLeast: number }
  /** value / peer <= n: e.g. a pull at most 2.5x the bare insert of the same rows. */
  | { peerRatioAtMost: number }
  /** peer / value >= n: e.g. a time at least 15x shorter than the peer's. */
  | { fasterThanPeerAtLeast: number }
  /** value / peer >= n: e.g. a rate at least 15x the peer's. */
  | { peerRatioAtLeast: number };

export interface FigureInput {
  /** What was measured, e.g. "pull 10k mails into a fresh device". */
  name: string;
  value: number;
  /** "ms", "req/s", "mutations/s"... */
  unit: string;
  /** The same work by another system (or a floor), measured in the same run. */
  peer?: { name: string; value: number };
  goal?: Goal;
  /** Anything else worth keeping with the figure (p50, errors, counts). */
  details?: Record<string, number | string>;
}

export interface Figure extends FigureInput {
  /** value / peer, when there is a peer. */
  ratio: number | null;
  pass: boolean | null;
  loadAverage1m: number;
  recordedAt: string;
}

function ratioOf(input: FigureInput): number | null {
  return input.peer && input.peer.value !== 0 ? input.value / input.peer.value : null;
}

/** Whether the figure meets its goal; null without a goal (or without the peer it needs). */
export function meets(input: FigureInput): boolean | null {
  const goal = input.goal;
  if (!goal) return null;
  if ('atMost' in goal) return input.value <= goal.atMost;
  if ('atLeast' in goal) return input.value >= goal.atLeast;
  const ratio = ratioOf(input);
  if (ratio === null) return null;
  if ('peerRatioAtMost' in goal) return ratio <= goal.peerRatioAtMost;
  if ('peerRatioAtLeast' in goal) return ratio >= goal.peerRatioAtLeast;
  return ratio > 0 && 1 / ratio >= goal.fasterThanPeerAtLeast;
}

export function describeGoal(goal: Goal | undefined, unit: string): string {
  if (!goal) return 'no goal';
  if ('atMost' in goal) return `<= ${format(goal.atMost)} ${unit}`;
  if ('atLeast' in goal) return `>= ${format(goal.atLeast)} ${unit}`;
  if ('peerRatioAtMost' in goal) return `<= ${goal.peerRatioAtMost}x peer`;
  if ('peerRatioAtLeast' in goal) return `>= ${goal.peerRatioAtLeast}x peer`;
  return `>= ${goal.fasterThanPeerAtLeast}x faster than peer`;
}

function format(value: number): string {
  return value >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value.toFixed(value >= 10 ? 1 : 2);
}

export interface Report {
  add(input: FigureInput): Figure;
  /** Prints a line that is not a figure (setup, context). */
  note(line: string): void;
  /** Writes the JSON file and sets the exit code; returns whether every goal was met. */
  finish(): boolean;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

export function createReport(
  bench: string,
  options: { print?: (line: string) => void; dir?: string } = {},
) {
  const print = options.print ?? console.log;
  const dir = options.dir ?? resultsDir;
  const figures: Figure[] = [];
  const notes: string[] = [];
  const report: Report = {
    add(input) {
      const ratio = ratioOf(input);
      const figure: Figure = {
        ...input,
        ratio,
        pass: meets(input),
        loadAverage1m: loadavg()[0]!,
        recordedAt: new Date().toISOString(),
      };
      figures.push(figure);
      const peer = input.peer ? `${input.peer.name} ${format(input.peer.value)} ${input.unit}` : '';
      print(
        [
          input.name.padEnd(52),
          `${format(input.value)} ${input.unit}`.padStart(18),
          peer ? `| peer: ${peer}` : '| no peer',
          ratio === null ? '' : `| ratio ${ratio.toFixed(2)}x`,
          `| goal ${describeGoal(input.goal, input.unit)}`,
          figure.pass === null ? '' : figure.pass ? '| PASS' : '| MISS',
          `| load ${figure.loadAverage1m.toFixed(2)}`,
        ]
          .filter(Boolean)
          .join(' '),
      );
      return figure;
    },
    note(line) {
      notes.push(line);
      print(`  ${line}`);
    },
    finish() {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${bench}.json`);
      writeFileSync(
        file,
        `${JSON.stringify({ bench, cores: cpus().length, node: process.version, notes, figures }, null, 2)}\n`,
      );
      const missed = figures.filter((figure) => figure.pass === false);
      print(`${bench}: ${figures.length} figures, ${missed.length} missed their goal -> ${file}`);
      if (missed.length > 0) process.exitCode = 1;
      return missed.length === 0;
    },
  };
  return report;
}
