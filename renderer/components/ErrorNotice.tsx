import { useTranslation } from 'react-i18next';
import type { UiError } from '../api';
import { cardDeclineKey } from '../reasons';

/** A failed call in the reader's language; announced to screen readers. */
export function ErrorNotice({ error }: { error: UiError | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="notice error" role="alert">
      {error.code === 'card_declined'
        ? t(`cardDeclined.${cardDeclineKey(error.details?.declineCode)}`)
        : t(`errors.${error.code}`)}
    </p>
  );
}

export function Notice({ children, tone = 'info' }: { children: string; tone?: 'info' | 'ok' }) {
  return (
    <p className={`notice ${tone}`} role="status">
      {children}
    </p>
  );
}
