import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: child processes run from there. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs a one-shot `central` command (seed, enroll-code ...) and returns what it printed. */
export function centralCommand(args: string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'sync/server/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`central ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/**
 * The central service as a real child process (`tsx sync/server/cli.ts serve`) on a free port,
 * so tests can kill it with SIGKILL in the middle of a request and start it again.
 */
export class CentralProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(dbPath: string): Promise<CentralProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sync/server/cli.ts', 'serve', '--db', dbPath, '--port', '0'],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /central service on (http:\/\/[^\s]+)/.exec(output);
        if (match) {
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve(new CentralProcess(child, match[1]!));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) =>
        reject(new Error(`central exited (${code}) before listening: ${output}`)),
      );
    });
  }

  /** Stops it: SIGKILL is a crash (nothing flushed by the app), SIGTERM a clean stop. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill(signal);
    });
  }
}
