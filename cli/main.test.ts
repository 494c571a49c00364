import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeSystemError, explainFailure, helpRequested, UsageError } from './main';

const program = { name: 'central', usage: 'npm run central -- ...' };

/** The operating system's own refusal, not a hand-made look-alike. */
async function listenError(port: number): Promise<unknown> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  const [error] = (await once(server, 'error')) as [unknown];
  return error;
}

describe('command-line failures', () => {
  it('says a busy port in one line naming the address', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as { port: number };
    const error = await listenError(port);
    holder.close();
    expect(describeSystemError(error)).toBe(
      `127.0.0.1:${port} is already in use: stop the program listening there or choose another port`,
    );
    expect(explainFailure(program, error)).toEqual({
      message: `central: 127.0.0.1:${port} is already in use: stop the program listening there or choose another port`,
      exitCode: 1,
    });
  });

  it('says a missing file in one line naming the path', async () => {
    const error = await readFile('/nonexistent/homeline/key.pub').catch((e: unknown) => e);
    expect(explainFailure(program, error)).toEqual({
      message: 'central: no such file or folder: /nonexistent/homeline/key.pub',
      exitCode: 1,
    });
  });

  it('answers a usage mistake with exit code 2 and a pointer to --help', () => {
    expect(explainFailure(program, new UsageError('--port: a number'))).toEqual({
      message: 'central: --port: a number (--help tells the usage)',
      exitCode: 2,
    });
    class OwnError extends Error {}
    const own = { ...program, isUsageError: (error: unknown) => error instanceof OwnError };
    expect(explainFailure(own, new OwnError('enroll-code needs --facility')).exitCode).toBe(2);
  });

  it('keeps the stack of anything else: a bug must be findable', () => {
    const bug = new TypeError('x is undefined');
    const outcome = explainFailure(program, bug);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toContain('central: unexpected failure');
    expect(outcome.message).toContain(bug.stack);
    expect(describeSystemError('not an error')).toBeNull();
  });

  it('sees --help and -h only before a --', () => {
    expect(helpRequested(['serve', '--help'])).toBe(true);
    expect(helpRequested(['-h'])).toBe(true);
    expect(helpRequested(['--', '--help'])).toBe(false);
    expect(helpRequested(['--port', '1'])).toBe(false);
  });
});
