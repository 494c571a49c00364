import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale } from '../../domain/types';

const NAMES: Record<Locale, 'app.english' | 'app.spanish'> = {
  en: 'app.english',
  es: 'app.spanish',
};

/** Always visible: a two-button switch, each language named in itself. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="language" role="group" aria-label={t('app.language')}>
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          className="button toggle"
          aria-pressed={i18n.language === locale}
          onClick={() => void i18n.changeLanguage(locale)}
        >
          {t(NAMES[locale])}
        </button>
      ))}
    </div>
  );
}
