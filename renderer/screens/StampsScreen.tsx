import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CashOutcome, StampBundleOffer } from '../../electron/contract';
import { CardErrorNotice } from '../components/CardErrorNotice';
import { CashInsert } from '../components/CashInsert';
import { ErrorNotice, Notice } from '../components/ErrorNotice';
import { PrintProgress } from '../components/PrintProgress';
import { formatDateTime, formatMoney } from '../format';
import { asLocale } from '../i18n';
import { useAccount } from '../stores/account';
import { useDevice } from '../stores/device';
import { useHardware } from '../stores/hardware';
import { useStamps } from '../stores/stamps';

type PayBy = 'account' | 'card' | 'cash';

/** Paying at the kiosk: swipe a card or feed bills, then the purchase goes through. */
function KioskPayment({
  bundle,
  payBy,
  onDone,
}: {
  bundle: StampBundleOffer;
  payBy: 'card' | 'cash';
  onDone(): void;
}) {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const hardware = useHardware();
  const purchase = useStamps((state) => state.purchase);
  const busy = useStamps((state) => state.busy);
  const cashSettled = useStamps((state) => state.cashSettled);
  // One card read pays once, however often this re-renders.
  const paid = useRef(false);

  useEffect(() => {
    if (payBy === 'card') void hardware.startCard();
    // Started once per payment; the store's actions are stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [payBy]);

  useEffect(() => {
    const card = hardware.card.result;
    if (payBy !== 'card' || hardware.card.status !== 'read' || !card || paid.current) return;
    paid.current = true;
    void purchase(bundle.id, { kind: 'card', card }, locale, true).then(onDone);
  }, [payBy, hardware.card, bundle.id, locale, purchase, onDone]);

  return (
    <div className="notice info">
      {payBy === 'card' ? (
        <>
          {hardware.card.status === 'error' ? (
            <CardErrorNotice code={hardware.card.errorCode} />
          ) : (
            <p role="status">{t('stamps.swipe')}</p>
          )}
          <ErrorNotice error={hardware.error} />
        </>
      ) : (
        <CashInsert
          targetCents={bundle.finalPriceCents}
          purpose={{ kind: 'stamps', bundleId: bundle.id, locale }}
          finishLabel={t('stamps.finishCash')}
          noChangeText={t('cash.noChangeStamps')}
          busy={busy}
          onFinish={(cashSessionId) =>
            void purchase(bundle.id, { kind: 'cash', cashSessionId }, locale, true).then(onDone)
          }
          onSettled={(settlement) => void cashSettled(settlement).then(onDone)}
        />
      )}
    </div>
  );
}

/** How cash ended when the person did not finish: booked as shown, never lost. */
function CashEnding({ cash }: { cash: CashOutcome }) {
  const { t } = useTranslation();
  return cash.ended === 'finished' ? null : (
    <p className="notice info">{t(`cash.ended_${cash.ended}`)}</p>
  );
}

/** Balance, bundles to buy (from the account, or card or cash at a kiosk), and history. */
export default function StampsScreen() {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const stamps = useStamps();
  const account = useAccount();
  const hardware = useDevice((state) => state.info?.hardware);
  const profile = useDevice((state) => state.info?.profile);
  const [selected, setSelected] = useState<string | null>(null);
  const [payBy, setPayBy] = useState<PayBy>('account');
  const [paying, setPaying] = useState(false);

  useEffect(() => {
    void stamps.loadBalance();
    void stamps.loadOffers();
    void stamps.loadHistory();
    void account.load();
    // Loaded once when the screen opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const bundle = stamps.bundles.find((offer) => offer.id === selected) ?? null;
  const onKiosk = profile === 'kiosk';
  const methods: PayBy[] = [
    'account',
    ...(onKiosk && hardware?.cardReader ? (['card'] as const) : []),
    ...(onKiosk && hardware?.billAcceptor ? (['cash'] as const) : []),
  ];
  const buy = () => {
    if (!bundle) return;
    if (payBy === 'account') void stamps.purchase(bundle.id, { kind: 'account' }, locale, false);
    else setPaying(true);
  };
  const last = stamps.lastPurchase;
  const credited = stamps.lastCashCredit;

  return (
    <>
      <h1>{t('stamps.title')}</h1>
      <ErrorNotice error={stamps.error} />
      <section className="panel" aria-labelledby="balance-title">
        <h2 id="balance-title">{t('stamps.balance')}</h2>
        {stamps.balance && (
          <>
            <p className="big-number">{t('home.available', { count: stamps.balance.available })}</p>
            {stamps.balance.reserved > 0 && (
              <p>{t('home.pendingStamps', { count: stamps.balance.reserved })}</p>
            )}
            {stamps.balance.arriving > 0 && (
              <p>{t('home.arriving', { count: stamps.balance.arriving })}</p>
            )}
          </>
        )}
      </section>
      <section className="panel stack" aria-labelledby="buy-title">
        <h2 id="buy-title">{t('stamps.buy')}</h2>
        <fieldset>
          <legend>{t('stamps.chooseBundle')}</legend>
          {stamps.bundles.map((offer) => (
            <label key={offer.id} className="choice">
              <input
                type="radio"
                name="bundle"
                checked={selected === offer.id}
                onChange={() => setSelected(offer.id)}
              />
              <span>
                <strong>{t('stamps.bundle', { count: offer.stamps })}</strong> ·{' '}
                {t('stamps.price', { price: formatMoney(offer.finalPriceCents, locale) })}
                {offer.finalPriceCents < offer.priceCents && (
                  <span className="meta">
                    {' '}
                    ({t('stamps.was', { price: formatMoney(offer.priceCents, locale) })})
                  </span>
                )}
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('stamps.payWith')}</legend>
          {methods.map((method) => (
            <label key={method} className="choice">
              <input
                type="radio"
                name="payBy"
                checked={payBy === method}
                onChange={() => setPayBy(method)}
              />
              {method === 'account'
                ? t('stamps.account', {
                    amount: formatMoney(account.status?.spendableCents ?? 0, locale),
                  })
                : t(`stamps.${method}`)}
            </label>
          ))}
        </fieldset>
        {bundle && !paying && (
          <button type="button" className="button primary" disabled={stamps.busy} onClick={buy}>
            {t('stamps.confirmBuy', {
              count: bundle.stamps,
              price: formatMoney(bundle.finalPriceCents, locale),
            })}
          </button>
        )}
        {bundle && paying && payBy !== 'account' && (
          <KioskPayment bundle={bundle} payBy={payBy} onDone={() => setPaying(false)} />
        )}
        {last && (
          <Notice tone="ok">
            {last.status === 'confirmed'
              ? t('stamps.bought', { count: last.stamps })
              : t('stamps.boughtPending', { count: last.stamps })}
          </Notice>
        )}
        {last?.cash && <CashEnding cash={last.cash} />}
        {last?.cash && last.cash.creditedCents > 0 && (
          <p className="notice info">
            {t('cash.extraCredited', { amount: formatMoney(last.cash.creditedCents, locale) })}
          </p>
        )}
        {credited?.cash && (
          <>
            <Notice tone="ok">
              {t('cash.creditedOnly', {
                amount: formatMoney(credited.cash.insertedCents, locale),
              })}
            </Notice>
            <CashEnding cash={credited.cash} />
          </>
        )}
        {(last || credited) && <PrintProgress job={last?.receipt ?? credited?.receipt ?? null} />}
      </section>
      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">{t('stamps.history')}</h2>
        {stamps.history.length === 0 && <p>{t('stamps.noHistory')}</p>}
        <ul className="list">
          {stamps.history.map((entry) => (
            <li key={entry.id} className="top-line row">
              <span>{t(`stamps.kind_${entry.kind}`)}</span>
              <strong>{entry.stamps > 0 ? `+${entry.stamps}` : entry.stamps}</strong>
              <span className="meta">
                {formatDateTime(entry.at, locale)} · {t(`stamps.state_${entry.status}`)}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
