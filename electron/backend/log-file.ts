import { mkdirSync } from 'node:fs';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

/**
 * How much log a device keeps: the live file plus `files` rotated ones of at most `size` each
 * (homeline.log, homeline.log.1 ... .5: 60 MiB at most). A kiosk in service for years must not
 * fill its disk with logs; a week of normal logging fits several times over.
 */
const DEVICE_LOG_RETENTION = { size: '10M', files: 5 } as const;

export interface LogRetention {
  /** Rotate once the live file passes this size (rotating-file-stream units: B, K, M, G). */
  readonly size: `${number}${'B' | 'K' | 'M' | 'G'}`;
  readonly files: number;
}

/**
 * The device's log file under `<dataDir>/logs`, rotated by size and count. The folder is the
 * device user's alone (0700) and so are the files (0600): logs hold ids and events, never card
 * data, PINs, tokens or message text, but they are still nobody else's business.
 */
export function openRotatingLog(
  dir: string,
  retention: LogRetention = DEVICE_LOG_RETENTION,
): RotatingFileStream {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return createStream('homeline.log', {
    path: dir,
    size: retention.size,
    rotate: retention.files,
    mode: 0o600,
  });
}
