import type { KeyObject } from 'node:crypto';
import type { AppUpdater } from 'electron-updater';
import { checkReleaseManifest, isValidStagingPercentage } from './manifest';

export interface UpdatePolicy {
  feedUrl: string;
  channel: string;
  publicKey: KeyObject;
  /** Called with every refused manifest: log it and alert (SECURITY.md). */
  onRejected: (reason: string, version: unknown) => void;
}

/**
 * Points electron-updater at our feed and closes the pitfalls listed in SECURITY.md:
 * - setting `channel` silently allows downgrades: turned off again right after;
 * - the manifest is trusted as served: its signature is checked in `isUpdateSupported`, which
 *   runs before any download;
 * - a non-numeric `stagingPercentage` lets every device update: such a manifest is refused and
 *   the rollout check fails closed;
 * - a manifest may point downloads anywhere: every file URL must be on the feed's host.
 * It also turns off what we do not use: web installers, differential downloads (unsigned block
 * maps) and install-on-quit (installs wait for an idle device, see idle.ts).
 */
export function hardenUpdater(updater: AppUpdater, policy: UpdatePolicy): void {
  updater.setFeedURL({ provider: 'generic', url: policy.feedUrl });
  updater.channel = policy.channel;
  updater.allowDowngrade = false;
  updater.allowPrerelease = false;
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = false;
  updater.disableWebInstaller = true;
  updater.disableDifferentialDownload = true;

  updater.isUpdateSupported = (info) => {
    const verdict = checkReleaseManifest(info, {
      publicKey: policy.publicKey,
      feedUrl: policy.feedUrl,
      currentVersion: updater.currentVersion.version,
    });
    if (!verdict.ok && verdict.kind === 'rejected') {
      policy.onRejected(verdict.reason, (info as { version?: unknown }).version);
    }
    return verdict.ok;
  };

  const withinRollout = updater.isUserWithinRollout;
  updater.isUserWithinRollout = (info) => {
    if (!isValidStagingPercentage(info.stagingPercentage)) {
      policy.onRejected('stagingPercentage is not a whole percentage', info.version);
      return false;
    }
    return withinRollout(info);
  };
}
