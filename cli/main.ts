/**
 * What every command line of the project does the same way (`npm run central`, `harness`,
 * `processor`, `sim`, `demo`, `bench`, the update tool; docs/architecture.md lists them):
 *   - `--help` (or `-h`) prints the usage and exits 0;
 *   - a mistake in the arguments prints one line and exits 2;
 *   - a refusal by the operating system (a busy port, a missing file, no permission, a
 *     read-only or full disk) prints one line saying what and where, and exits 1;
 *   - anything else is a bug and keeps its stack (exit 1).
 * Each line starts with the program's name, so a newcomer knows which of several processes
 * spoke.
 */

import { z } from 'zod';

/** The arguments are wrong: said in one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Checks parsed options against their schema: a mismatch is a usage mistake, in one line. */
export function checkedOptions<T extends z.ZodType>(schema: T, values: unknown): z.output<T> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(z.prettifyError(parsed.error).replace(/\n/g, ' '));
  return parsed.data;
}

export interface Program {
  /** Printed before every message, e.g. `central`. */
  readonly name: string;
  /** The whole `--help` text. */
  readonly usage: string;
  /** The program's own error classes that are mistakes in the arguments. */
  readonly isUsageError?: (error: unknown) => boolean;
}

/** `--help` or `-h` anywhere before a `--`. */
export function helpRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

interface SystemError extends Error {
  code?: string;
  syscall?: string;
  path?: string;
  dest?: string;
  address?: string;
  port?: number;
}

/** One line for an operating-system refusal a person can act on; null for anything else. */
export function describeSystemError(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const { code, syscall, path, address, port } = error as SystemError;
  const endpoint = address !== undefined && port !== undefined ? `${address}:${port}` : 'the port';
  switch (code) {
    case 'EADDRINUSE':
      return `${endpoint} is already in use: stop the program listening there or choose another port`;
    case 'EADDRNOTAVAIL':
      return `${address ?? 'that address'} is not an address of this machine`;
    case 'EACCES':
    case 'EPERM':
      return syscall === 'listen' || syscall === 'bind'
        ? `${endpoint} needs more privileges: choose a port above 1023`
        : `permission denied: ${path ?? 'a file'} (check its owner and mode)`;
    case 'ENOENT':
      return `no such file or folder: ${path ?? 'unknown path'}`;
    case 'ENOTDIR':
      return `not a folder: ${path ?? 'unknown path'}`;
    case 'EISDIR':
      return `a folder where a file was expected: ${path ?? 'unknown path'}`;
    case 'EROFS':
      return `read-only file system: ${path ?? 'unknown path'}`;
    case 'ENOSPC':
      return `no space left on the disk${path ? ` (writing ${path})` : ''}`;
    case 'ECONNREFUSED':
      return `nothing answers at ${endpoint}`;
    default:
      return null;
  }
}

function isParseArgsError(error: unknown): boolean {
  return String((error as { code?: unknown } | null)?.code).startsWith('ERR_PARSE_ARGS');
}

export interface Outcome {
  /** What to print on standard error (or standard output for help); empty when nothing. */
  readonly message: string;
  readonly exitCode: number;
}

/** How a failure of `program` is told to the person who ran it. */
export function explainFailure(program: Program, error: unknown): Outcome {
  if (
    error instanceof UsageError ||
    isParseArgsError(error) ||
    program.isUsageError?.(error) === true
  ) {
    return {
      message: `${program.name}: ${(error as Error).message} (--help tells the usage)`,
      exitCode: 2,
    };
  }
  const system = describeSystemError(error);
  if (system) return { message: `${program.name}: ${system}`, exitCode: 1 };
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { message: `${program.name}: unexpected failure\n${detail}`, exitCode: 1 };
}

/**
 * Runs a command line's `main`: help first, then `main(argv)`; a failure is explained (above)
 * and ends the process. `main` resolving leaves the process running (a server keeps it alive).
 */
export function runProgram(
  program: Program,
  main: (argv: string[]) => Promise<unknown>,
  argv: string[] = process.argv.slice(2),
): void {
  if (helpRequested(argv)) {
    console.log(program.usage);
    return;
  }
  main(argv).catch((error: unknown) => {
    const outcome = explainFailure(program, error);
    console.error(outcome.message);
    process.exit(outcome.exitCode);
  });
}
