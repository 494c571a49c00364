import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../components/ErrorNotice';
import { useLastSynced } from '../components/SyncBadge';
import { formatDate, formatDateTime } from '../format';
import { asLocale } from '../i18n';
import { useMail } from '../stores/mail';
import { useNavigation } from '../stores/navigation';
import { useSession } from '../stores/session';
import { useStamps } from '../stores/stamps';
import { useSync } from '../stores/sync';

/** The resident's overview: stamps, unread mail, connection, offers. */
export default function HomeScreen() {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const resident = useSession((state) => state.session?.resident);
  const { balance, promotions, error, loadBalance, loadOffers } = useStamps();
  const unreadCount = useMail((state) => state.unreadCount);
  const loadInbox = useMail((state) => state.load);
  const sync = useSync((state) => state.status);
  const lastSynced = useLastSynced(sync?.lastSuccessAt);
  const go = useNavigation((state) => state.go);

  useEffect(() => {
    void loadBalance();
    void loadOffers();
    void loadInbox('inbox');
  }, [loadBalance, loadOffers, loadInbox]);

  return (
    <>
      <h1>{t('home.greeting', { name: resident?.firstName ?? '' })}</h1>
      <ErrorNotice error={error} />
      <div className="grid">
        <section className="panel" aria-labelledby="home-stamps">
          <h2 id="home-stamps">{t('home.stamps')}</h2>
          {balance && (
            <>
              <p className="big-number">{t('home.available', { count: balance.available })}</p>
              <p>{t('home.confirmed', { count: balance.confirmed })}</p>
              {balance.reserved > 0 && (
                <p>{t('home.pendingStamps', { count: balance.reserved })}</p>
              )}
              {balance.arriving > 0 && <p>{t('home.arriving', { count: balance.arriving })}</p>}
              {balance.prepaidReply.map((holding) => (
                <p key={holding.contactId} className="meta">
                  {t('home.prepaidFrom', { count: holding.stamps, name: holding.contactName })}
                </p>
              ))}
              <p className="meta">
                {balance.confirmedAt
                  ? t('home.confirmedAt', { when: formatDateTime(balance.confirmedAt, locale) })
                  : t('home.notConfirmed')}
              </p>
            </>
          )}
        </section>
        <section className="panel" aria-labelledby="home-unread">
          <h2 id="home-unread">{t('home.unread')}</h2>
          <p className="big-number">{t('home.unreadCount', { count: unreadCount })}</p>
          <div className="actions">
            <button type="button" className="button primary" onClick={() => go('inbox')}>
              {t('home.openInbox')}
            </button>
            <button type="button" className="button secondary" onClick={() => go('compose')}>
              {t('home.write')}
            </button>
          </div>
        </section>
        <section className="panel" aria-labelledby="home-sync">
          <h2 id="home-sync">{t('home.syncStatus')}</h2>
          {sync && (
            <>
              <p>{t(`sync.${sync.state}`)}</p>
              <p className="meta">{lastSynced}</p>
            </>
          )}
        </section>
      </div>
      <section className="panel" aria-labelledby="home-offers">
        <h2 id="home-offers">{t('home.promotions')}</h2>
        {promotions.length === 0 && <p>{t('home.noPromotions')}</p>}
        <ul className="list">
          {promotions.map((promotion) => (
            <li key={promotion.id}>
              <h3>{promotion.title[locale]}</h3>
              <p>{promotion.description[locale]}</p>
              <p className="meta">
                {t('home.endsAt', { when: formatDate(promotion.endsAt, locale) })}
              </p>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
