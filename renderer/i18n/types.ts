import type { en } from './en';

// Typed keys: t('no.such.key') fails the typecheck instead of showing a raw key on a kiosk.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
