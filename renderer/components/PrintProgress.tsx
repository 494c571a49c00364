import { useTranslation } from 'react-i18next';
import type { PrintJob } from '../../electron/contract';
import { useHardware } from '../stores/hardware';

/** Progress of one print job: the job as returned, updated by hardware.printer events. */
export function PrintProgress({ job }: { job: PrintJob | null }) {
  const { t } = useTranslation();
  const printer = useHardware((state) => state.printer);
  if (!job) return null;
  const latest = printer?.job?.jobId === job.jobId ? printer.job : job;
  if (latest.status === 'failed') {
    return (
      <p className="notice error" role="alert">
        {t('app.printFailed')}
      </p>
    );
  }
  if (latest.status === 'printed') {
    return (
      <p className="notice ok" role="status">
        {t('app.printed')}
      </p>
    );
  }
  return (
    <div className="notice info" role="status">
      <span>{t('app.printing')}</span>
      <progress aria-label={t('app.printing')} />
    </div>
  );
}
