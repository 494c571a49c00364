import { useTranslation } from 'react-i18next';

const QUESTIONS = [
  'stamps',
  'prepaid',
  'review',
  'offline',
  'locked',
  'deposits',
  'tablet',
  'release',
] as const;

/** The common questions of docs/rules.md, in our own words, opened with a tap. */
export default function HelpScreen() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('help.title')}</h1>
      {QUESTIONS.map((key) => (
        <details key={key} className="faq">
          <summary>{t(`help.items.${key}.q`)}</summary>
          <p>{t(`help.items.${key}.a`)}</p>
        </details>
      ))}
    </>
  );
}
