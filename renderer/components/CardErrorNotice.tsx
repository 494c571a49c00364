import { useTranslation } from 'react-i18next';
import { cardErrorKey } from '../reasons';

/** A refused or unreadable swipe, said as what to do next (another card, or swipe again). */
export function CardErrorNotice({ code }: { code: string | undefined }) {
  const { t } = useTranslation();
  return (
    <p className="notice error" role="alert">
      {t(`card.${cardErrorKey(code ?? null)}`)}
    </p>
  );
}
