import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pin as pinSchema } from '../../electron/contract/primitives';
import { ErrorNotice } from '../components/ErrorNotice';
import { PinPad } from '../components/PinPad';
import { PrintProgress } from '../components/PrintProgress';
import { useLastSynced } from '../components/SyncBadge';
import { logOut } from '../stores/events';
import { useMaintenance } from '../stores/maintenance';
import { useNavigation } from '../stores/navigation';
import { useSession } from '../stores/session';
import { syncProblemKey } from '../reasons';
import { useSync } from '../stores/sync';

function Unlock() {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const { busy, error, unlockMaintenance } = useSession();
  const close = useNavigation((state) => state.closeMaintenance);
  return (
    <section className="panel narrow stack" aria-labelledby="maintenance-title">
      <h1 id="maintenance-title">{t('maintenance.title')}</h1>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void unlockMaintenance(pin).then(() => setPin(''));
        }}
      >
        <PinPad value={pin} onChange={setPin} label={t('maintenance.enterPin')} />
        <ErrorNotice error={error} />
        <button
          type="submit"
          className="button primary wide"
          disabled={!pinSchema.safeParse(pin).success || busy}
        >
          {t('maintenance.unlock')}
        </button>
        <button type="button" className="button secondary wide" onClick={close}>
          {t('app.cancel')}
        </button>
      </form>
    </section>
  );
}

function Status() {
  const { t } = useTranslation();
  const { status, busy, error, printJob, logs, load, testPrint, exportLogs } = useMaintenance();
  const syncNow = useSync((state) => state.syncNow);
  const lastSynced = useLastSynced(status?.sync.lastSuccessAt);

  useEffect(() => {
    void load();
  }, [load]);

  if (!status) return <ErrorNotice error={error} />;
  const { device, sync } = status;
  const download = logs
    ? `data:text/plain;charset=utf-8,${encodeURIComponent(logs.content)}`
    : null;

  return (
    <>
      <h1>{t('maintenance.title')}</h1>
      <ErrorNotice error={error} />
      <div className="grid">
        <section className="panel" aria-labelledby="device-title">
          <h2 id="device-title">{t('maintenance.device')}</h2>
          <dl className="facts">
            <dt>{t('maintenance.deviceId')}</dt>
            <dd>{device.deviceId ?? '—'}</dd>
            <dt>{t('maintenance.profile')}</dt>
            <dd>{t(`maintenance.profile_${device.profile}`)}</dd>
            <dt>{t('maintenance.version')}</dt>
            <dd>{device.appVersion}</dd>
            <dt>{t('maintenance.facility')}</dt>
            <dd>{device.facilityName ?? '—'}</dd>
            <dt>{t('maintenance.enrolled')}</dt>
            <dd>{device.enrolled ? t('maintenance.enrolled') : t('maintenance.notEnrolled')}</dd>
          </dl>
        </section>
        <section className="panel stack" aria-labelledby="sync-title">
          <h2 id="sync-title">{t('maintenance.sync')}</h2>
          <dl className="facts">
            <dt>{t('maintenance.sync')}</dt>
            <dd>{t(`sync.${sync.state}`)}</dd>
            <dt>{t('maintenance.lastProblem')}</dt>
            <dd>{t(`syncProblem.${syncProblemKey(sync.lastError)}`)}</dd>
            <dt>{t('maintenance.lag')}</dt>
            <dd>{status.syncLagSeconds ?? '—'}</dd>
            <dt>{t('maintenance.outbox')}</dt>
            <dd>{status.outboxDepth}</dd>
          </dl>
          <p className="meta">{lastSynced}</p>
          <button
            type="button"
            className="button secondary"
            onClick={() => void syncNow().then(load)}
          >
            {t('maintenance.syncNow')}
          </button>
        </section>
      </div>
      <section className="panel stack" aria-labelledby="hardware-title">
        <h2 id="hardware-title">{t('maintenance.hardware')}</h2>
        {status.hardware.length === 0 && <p>{t('maintenance.noHardware')}</p>}
        <ul className="list">
          {status.hardware.map((health) => (
            <li key={health.name} className="notice info">
              <strong>{t(`maintenance.kind_${health.kind}`)}</strong>
              <span className="tag">{t(`maintenance.state_${health.state}`)}</span>
              {health.simulated && <span className="meta"> · {t('maintenance.simulated')}</span>}
              {health.detail && <p className="meta">{health.detail}</p>}
            </li>
          ))}
        </ul>
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => void testPrint()}
          >
            {t('maintenance.testPrint')}
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => void exportLogs()}
          >
            {t('maintenance.exportLogs')}
          </button>
        </div>
        <PrintProgress job={printJob} />
        {logs && download && (
          <p>
            {t('maintenance.logsReady', { name: logs.fileName })}{' '}
            <a className="button secondary" href={download} download={logs.fileName}>
              {t('maintenance.download')}
            </a>
          </p>
        )}
      </section>
    </>
  );
}

/** Facility IT: behind the maintenance PIN; leaving ends the maintenance session. */
export default function MaintenanceScreen() {
  const { t } = useTranslation();
  const role = useSession((state) => state.session?.role);
  const leave = () => void logOut();
  return (
    <>
      {role === 'maintenance' ? <Status /> : <Unlock />}
      {role === 'maintenance' && (
        <button type="button" className="button primary" onClick={leave}>
          {t('maintenance.exit')}
        </button>
      )}
    </>
  );
}
