import { mkdirSync } from 'node:fs';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export const CENTRAL_LOG_FILE = 'central.log';

/**
 * How much log the central service keeps: the live file plus `files` rotated ones of at most
 * `size` each (central.log, central.log.1 ... .10: 220 MiB at most), the newest old file being
 * `.1`. Request logs of a busy facility fill 20 MiB in about a day, so ten days stay on disk;
 * facilities that must keep longer ship the file to their log store before it rotates away.
 */
export const CENTRAL_LOG_RETENTION = { size: '20M', files: 10 } as const;

/**
 * The service's log file under `dir`, rotated by size and count in-process (no worker thread).
 * The folder is the service user's alone (0700), the files 0600: logs hold ids, routes and
 * outcomes, never passwords, TOTP codes, session tokens, card data or message text (logs.test.ts).
 */
export function openCentralLog(
  dir: string,
  retention: { size: `${number}${'B' | 'K' | 'M' | 'G'}`; files: number } = CENTRAL_LOG_RETENTION,
): RotatingFileStream {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return createStream(CENTRAL_LOG_FILE, {
    path: dir,
    size: retention.size,
    rotate: retention.files,
    mode: 0o600,
  });
}
