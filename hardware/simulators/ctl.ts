/**
 * The simulator's control client: one grammar of steps (`swipe visa`, `bill 2000`,
 * `fault paper_out --off --device printer`, `wait 500`...) for a single command, a script file
 * and a long-lived shell, all sent to a panel's JSON API over HTTP on 127.0.0.1. It imports no
 * emulator or server code, so a shell that is already running answers each step in milliseconds.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

/** A step the panel refused or that does not parse: the tester gets the reason. */
export class StepError extends Error {
  override readonly name = 'StepError';
}

export const STEP_HELP = `  swipe [CARD]              swipe a test card (visa, mastercard, ...; the panel lists them)
  bill CENTS                insert a bill; the answer says what the acceptor did with it, or
                            why it refused it (inhibited, busy, not_started, jammed,
                            cassette_full, unknown_bill, denomination_inhibited)
  badge TOKEN               scan a badge
  fault NAME [--off] [--device printer|cash|card|badge]
                            inject a fault, or clear it with --off
  printed                   the receipts printed so far
  wait MS                   pause (0..60000 ms) before the next step, in a script or shell`;

/** Longest pause a step may ask for. */
const MAX_WAIT_MS = 60_000;

type Print = (line: string) => void;

async function call(base: string, path: string, body?: unknown): Promise<string> {
  const response = await fetch(`${base}/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new StepError(`${response.status}: ${text}`);
  return text;
}

/** Splits a step into words; a line of only blanks or a `#` comment is no step at all. */
function stepWords(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#') ? [] : trimmed.split(/\s+/);
}

/** Runs one step against the panel at `base`, printing its answer. */
export async function runStep(base: string, words: string[], print: Print): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: words,
      allowPositionals: true,
      options: { off: { type: 'boolean', default: false }, device: { type: 'string' } },
    });
  } catch (error) {
    throw new StepError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, value, extra] = positionals;
  if (extra !== undefined) throw new StepError(`unexpected "${extra}" after ${command}`);
  const needs = (what: string) => {
    if (value === undefined) throw new StepError(`${command} needs ${what}`);
    return value;
  };
  switch (command) {
    case 'swipe':
      return print(await call(base, 'swipe', { card: value ?? 'visa' }));
    case 'bill': {
      const cents = Number(needs('an amount in cents'));
      if (!Number.isInteger(cents)) throw new StepError(`bill: "${value}" is not whole cents`);
      return print(await call(base, 'bill', { cents }));
    }
    case 'badge':
      return print(await call(base, 'badge', { badge: needs('a badge token') }));
    case 'fault':
      return print(
        await call(base, 'fault', {
          fault: needs('a fault name'),
          on: !values.off,
          ...(values.device ? { device: values.device } : {}),
        }),
      );
    case 'printed': {
      const state = JSON.parse(await call(base, 'state')) as { printed: string[] };
      return print(state.printed.join('\n\n-----8<-----\n\n'));
    }
    case 'wait': {
      const ms = Number(needs('milliseconds'));
      if (!Number.isInteger(ms) || ms < 0 || ms > MAX_WAIT_MS) {
        throw new StepError(`wait: "${value}" is not 0..${MAX_WAIT_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, ms));
      return;
    }
    default:
      throw new StepError(
        `unknown step "${command ?? ''}": use swipe, bill, badge, fault, printed or wait`,
      );
  }
}

/**
 * Runs every step of a script in order, echoing each as `# step`; stops at the first step that
 * fails, naming its line.
 */
export async function runScript(base: string, file: string, print: Print): Promise<void> {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    const words = stepWords(line);
    if (words.length === 0) continue;
    print(`# ${line.trim()}`);
    try {
      await runStep(base, words, print);
    } catch (error) {
      throw new StepError(`${file}:${index + 1}: ${(error as Error).message}`);
    }
  }
}

/**
 * A long-lived shell: one step per input line, each answered as soon as the panel answers (a
 * refused step prints its error and the shell goes on). Prints `ready` once it reads input.
 */
export async function runShell(
  base: string,
  input: NodeJS.ReadableStream,
  print: Print,
): Promise<void> {
  const lines = createInterface({ input, terminal: false });
  print('ready');
  for await (const line of lines) {
    const words = stepWords(line);
    if (words.length === 0) continue;
    if (words[0] === 'exit' || words[0] === 'quit') break;
    try {
      await runStep(base, words, print);
    } catch (error) {
      print(`error: ${(error as Error).message}`);
    }
  }
}
