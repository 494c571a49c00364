import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../stores/session';

/** The idle-logout warning: a modal dialog counting down, with one big button to stay. */
export function IdleWarning() {
  const { t } = useTranslation();
  const secondsLeft = useSession((state) => state.expiringSeconds);
  const stay = useSession((state) => state.stay);
  const warnedAt = useSession((state) => state.expiringSince);
  const dialog = useRef<HTMLDialogElement>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (secondsLeft === null) {
      if (element.open) element.close();
      return;
    }
    if (!element.open) element.showModal?.();
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [secondsLeft]);

  const elapsed = Math.max(0, Math.floor((now - warnedAt) / 1000));
  const left = Math.max(0, (secondsLeft ?? 0) - elapsed);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="idle-title"
      onCancel={() => void stay()}
    >
      <h2 id="idle-title">{t('idle.title')}</h2>
      <p>{t('idle.body', { count: left })}</p>
      <button type="button" className="button primary" onClick={() => void stay()}>
        {t('idle.stay')}
      </button>
    </dialog>
  );
}
