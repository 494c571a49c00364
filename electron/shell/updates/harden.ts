import type { KeyObject } from 'node:crypto';
import type { AppUpdater } from 'electron-updater';
import { checkReleaseManifest, isValidStagingPercentage } from './manifest';
import type { SequenceMemory } from './sequence';

export interface UpdatePolicy {
  feedUrl: string;
  channel: string;
  publicKey: KeyObject;
  /** Called with every refused manifest: log it and alert. */
  onRejected: (reason: string, version: unknown) => void;
  /** The highest accepted manifest sequence per channel, kept across restarts. */
  sequences: SequenceMemory;
  now?: () => Date;
}

/**
 * Points electron-updater at our feed and closes its known pitfalls (docs/shell.md):
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
      channel: policy.channel,
      highestSequence: policy.sequences.highest(policy.channel),
      now: policy.now?.() ?? new Date(),
    });
    if (!verdict.ok && verdict.kind === 'rejected') {
      policy.onRejected(verdict.reason, (info as { version?: unknown }).version);
      return false;
    }
    // A genuine manifest, offered or not: older ones are replays from now on.
    policy.sequences.remember(policy.channel, verdict.sequence);
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
