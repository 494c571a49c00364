import { useTranslation } from 'react-i18next';
import { asLocale } from '../i18n';
import { formatDateTime } from '../format';
import { useDevice } from '../stores/device';
import { useSync } from '../stores/sync';

/** "Last synced <when>" or "Not synced yet", in the reader's language. */
export function useLastSynced(lastSuccessAt: string | null | undefined): string {
  const { t, i18n } = useTranslation();
  return lastSuccessAt
    ? t('sync.lastSuccess', { when: formatDateTime(lastSuccessAt, asLocale(i18n.language)) })
    : t('sync.never');
}

/** The sync state in one word, with progress while syncing. */
export function SyncBadge() {
  const { t } = useTranslation();
  const status = useSync((state) => state.status);
  const when = useLastSynced(status?.lastSuccessAt);
  if (!status) return null;
  return (
    <div className={`sync-badge ${status.state}`} role="status" title={when}>
      <span className="dot" aria-hidden="true" />
      <span>{t(`sync.${status.state}`)}</span>
      {status.state === 'syncing' && (
        <progress
          aria-label={t('sync.progress', { done: status.pushed + status.pulled })}
          max={Math.max(1, status.pendingMutations + status.pushed)}
          value={status.pushed}
        />
      )}
    </div>
  );
}

/** Shown under the header whenever the device cannot reach the central service. */
export function OfflineBanner() {
  const { t } = useTranslation();
  const state = useSync((s) => s.status?.state);
  // Worded for who stands there: a lobby visitor has no mail, only deposits.
  const lobby = useDevice((s) => s.info?.profile === 'lobby');
  if (state !== 'offline') return null;
  return (
    <p className="banner offline" role="status">
      {t(lobby ? 'sync.offlineBannerLobby' : 'sync.offlineBanner')}
    </p>
  );
}
