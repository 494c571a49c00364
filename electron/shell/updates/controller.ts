import type { AppUpdater } from 'electron-updater';
import { installBlockers, type DeviceActivity } from './idle';

interface UpdateLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface UpdateControllerOptions {
  updater: AppUpdater;
  checkIntervalMs: number;
  /** How often a downloaded update asks whether the device is idle. */
  idlePollMs: number;
  /** The backend's view of what the device is doing; null or a throw means "not idle". */
  readActivity: () => Promise<DeviceActivity | null>;
  /** Quits and installs (main passes `() => updater.quitAndInstall(true, true)`). */
  install: () => void;
  log: UpdateLog;
}

export interface UpdateController {
  checkNow(): Promise<void>;
  stop(): void;
}

/**
 * Checks in the background, and once an update is downloaded, installs it at the first moment
 * the device is idle (idle.ts). Failures are logged and retried at the next interval.
 */
export function startUpdateController(options: UpdateControllerOptions): UpdateController {
  const { updater, log } = options;
  let idlePoll: NodeJS.Timeout | null = null;
  let installed = false;

  const checkNow = async () => {
    try {
      const result = await updater.checkForUpdates();
      // The download runs on after the check; a failed one (e.g. sha512 mismatch) must not
      // become an unhandled rejection in the main process.
      result?.downloadPromise?.catch((error: unknown) =>
        log.warn({ err: error }, 'update download failed'),
      );
    } catch (error) {
      log.warn({ err: error }, 'update check failed');
    }
  };

  const tryInstall = async () => {
    let activity: DeviceActivity | null = null;
    try {
      activity = await options.readActivity();
    } catch (error) {
      log.warn({ err: error }, 'cannot read device activity');
    }
    const blockers = installBlockers(activity);
    if (blockers.length > 0 || installed) {
      if (blockers.length > 0) log.info({ blockers }, 'update waits for an idle device');
      return;
    }
    installed = true;
    if (idlePoll) clearInterval(idlePoll);
    log.info({}, 'device idle: installing update');
    options.install();
  };

  const onDownloaded = (event: { version: string }) => {
    log.info({ version: event.version }, 'update downloaded');
    if (idlePoll) return;
    idlePoll = setInterval(() => void tryInstall(), options.idlePollMs);
    void tryInstall();
  };
  updater.on('update-downloaded', onDownloaded);

  const checks = setInterval(() => void checkNow(), options.checkIntervalMs);
  void checkNow();

  return {
    checkNow,
    stop() {
      clearInterval(checks);
      if (idlePoll) clearInterval(idlePoll);
      updater.off('update-downloaded', onDownloaded);
    },
  };
}
