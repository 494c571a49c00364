import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LOCALES, type Locale } from '../../domain/types';
import { en } from './en';
import { es } from './es';

const resources = { en: { translation: en }, es: { translation: es } } as const;

/** The app's i18n instance and the language it started in (the facility's default). */
let active: { instance: i18n; startLocale: Locale } | null = null;

/** Both locales ship in the bundle: they are small, and a kiosk must switch instantly offline. */
export function createI18n(locale: Locale = 'en'): i18n {
  const instance = i18next.createInstance();
  active = { instance, startLocale: locale };
  void instance.use(initReactI18next).init({
    resources,
    lng: locale,
    fallbackLng: 'en',
    supportedLngs: [...LOCALES],
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}

export function asLocale(language: string | undefined): Locale {
  return language === 'es' ? 'es' : 'en';
}

/**
 * The facility's language, from the device's configuration: the screen switches to it unless
 * someone chose another language meanwhile, and returns to it after each person.
 */
export function setFacilityLanguage(locale: Locale): void {
  if (!active || active.startLocale === locale) return;
  const untouched = active.instance.language === active.startLocale;
  active.startLocale = locale;
  if (untouched) void active.instance.changeLanguage(locale);
}

/** The next person starts in the facility's language, whatever the last one chose. */
export function resetLanguage(): void {
  if (active && active.instance.language !== active.startLocale) {
    void active.instance.changeLanguage(active.startLocale);
  }
}
