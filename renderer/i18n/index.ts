import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LOCALES, type Locale } from '../../domain/types';
import { en } from './en';
import { es } from './es';

export const resources = { en: { translation: en }, es: { translation: es } } as const;

/** Both locales ship in the bundle: they are small, and a kiosk must switch instantly offline. */
export function createI18n(locale: Locale = 'en'): i18n {
  const instance = i18next.createInstance();
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
