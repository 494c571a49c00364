import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRotatingLog } from './log-file';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the device log file', () => {
  it('rotates by size and keeps only the configured number of old files, private to the device user', async () => {
    const root = mkdtempSync(join(tmpdir(), 'homeline-logs-'));
    dirs.push(root);
    const dir = join(root, 'logs');
    const stream = openRotatingLog(dir, { size: '1K', files: 2 });
    let rotations = 0;
    stream.on('rotated', () => (rotations += 1));
    // 40 lines of ~300 bytes pass 1 KiB about ten times; each write is awaited, so the stream
    // has finished any rotation the previous line caused before the next one goes in.
    for (let line = 0; line < 40; line += 1) {
      const text = `${JSON.stringify({ line, msg: 'event', filler: 'x'.repeat(260) })}\n`;
      await new Promise<void>((resolve, reject) =>
        stream.write(text, (error) => (error ? reject(error) : resolve())),
      );
    }
    stream.end();
    await once(stream, 'finish');
    expect(rotations).toBeGreaterThanOrEqual(3);
    expect(readdirSync(dir).sort()).toEqual(['homeline.log', 'homeline.log.1', 'homeline.log.2']);
    const lines: number[] = [];
    for (const file of ['homeline.log.2', 'homeline.log.1', 'homeline.log']) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
      for (const text of readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean)) {
        lines.push((JSON.parse(text) as { line: number }).line);
      }
    }
    // What is kept is the newest lines, whole and in order, ending with the last one written.
    const first = lines[0] ?? -1;
    expect(lines).toEqual(Array.from({ length: 40 - first }, (_, index) => first + index));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
