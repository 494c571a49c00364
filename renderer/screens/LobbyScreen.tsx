import { useEffect, useRef, useState } from 'react';
import { SearchX } from '../components/icons';
import { useTranslation } from 'react-i18next';
import type { DepositQuote } from '../../electron/contract';
import { CardErrorNotice } from '../components/CardErrorNotice';
import { CashInsert } from '../components/CashInsert';
import { ActionBar, EmptyState, Steps } from '../components/design';
import { ErrorNotice, Notice } from '../components/ErrorNotice';
import { PrintProgress } from '../components/PrintProgress';
import { isResidentRef, ResidentRefFields } from '../components/ResidentRefFields';
import { TextField } from '../components/TextField';
import { formatDateTime, formatMoney, parseDollars } from '../format';
import { asLocale } from '../i18n';
import { useDevice } from '../stores/device';
import { useHardware } from '../stores/hardware';
import { useLobby, type LobbyMethod, type LobbyStep } from '../stores/lobby';
import { LOBBY_IDLE_MS, useIdleReturn } from '../components/idle-return';

function useLocale() {
  const { i18n } = useTranslation();
  return asLocale(i18n.language);
}

function Find() {
  const { t } = useTranslation();
  const { find, busy, error } = useLobby();
  const [state, setState] = useState('');
  const [doc, setDoc] = useState('');
  const valid = isResidentRef(state, doc);
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) void find(state, doc);
      }}
    >
      <p className="lead">{t('lobby.intro')}</p>
      <ResidentRefFields state={state} docNumber={doc} onState={setState} onDocNumber={setDoc} />
      {error?.code === 'not_found' && (
        <div role="alert">
          <EmptyState icon={SearchX} title={t('lobby.notFound')}>
            <p>{t('lobby.notFoundNext')}</p>
          </EmptyState>
        </div>
      )}
      <ActionBar>
        <button type="submit" className="button primary wide" disabled={!valid || busy}>
          {t('lobby.find')}
        </button>
      </ActionBar>
    </form>
  );
}

function Confirm() {
  const { t } = useTranslation();
  const { resident, confirmResident, rejectResident } = useLobby();
  if (!resident) return null;
  return (
    <div className="stack">
      <h2>{t('lobby.confirmTitle')}</h2>
      <dl className="facts">
        <dt>{t('lobby.name')}</dt>
        <dd dir="auto">
          {resident.firstName} {resident.lastName}
        </dd>
        <dt>{t('lobby.docNumber')}</dt>
        <dd>{resident.docNumber}</dd>
        <dt>{t('lobby.state')}</dt>
        <dd>{resident.state}</dd>
        <dt>{t('lobby.facility')}</dt>
        <dd>{resident.facilityName}</dd>
      </dl>
      <ActionBar>
        <button type="button" className="button secondary" onClick={rejectResident}>
          {t('lobby.no')}
        </button>
        <button type="button" className="button primary" onClick={confirmResident}>
          {t('lobby.yes')}
        </button>
      </ActionBar>
    </div>
  );
}

function QuoteFacts({ quote }: { quote: DepositQuote }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="stack" aria-live="polite">
      <dl className="facts">
        <dt>{t('lobby.deposit')}</dt>
        <dd>{formatMoney(quote.amountCents, locale)}</dd>
        <dt>{t('lobby.fee')}</dt>
        <dd>{formatMoney(quote.feeCents, locale)}</dd>
        <dt>{t('lobby.total')}</dt>
        <dd>
          <strong>{formatMoney(quote.totalCents, locale)}</strong>
        </dd>
      </dl>
      {quote.cardWarning === 'credit_cash_advance' && (
        <p className="notice warn">{t('lobby.creditWarning')}</p>
      )}
      {quote.cardWarning === 'prepaid_may_decline' && (
        <p className="notice warn">{t('lobby.prepaidWarning')}</p>
      )}
      {!quote.allowed && (
        // Worded for the visitor: what they can still do, never why (that is someone's record).
        <div className="notice error" role="alert">
          <p>{t('lobby.blocked')}</p>
          {quote.stillPossible.length > 0 && (
            <p>
              {t('lobby.stillPossible', {
                channels: quote.stillPossible.map((c) => t(`account.channel_${c}`)).join(', '),
              })}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function Amount() {
  const { t } = useTranslation();
  const locale = useLocale();
  const hardware = useDevice((state) => state.info?.hardware);
  const lobby = useLobby();
  const [amount, setAmount] = useState('');
  const [name, setName] = useState(lobby.depositorName);
  const methods: LobbyMethod[] = [
    ...(hardware?.cardReader ? (['card'] as const) : []),
    ...(hardware?.billAcceptor ? (['cash'] as const) : []),
  ];
  const [method, setMethod] = useState<LobbyMethod>(methods[0] ?? 'card');
  const cents = parseDollars(amount);
  const valid = cents !== null && name.trim() !== '';
  // A quote counts only for the amount, name and method on screen now: changing any of them
  // hides the old total and its pay button until the fee is asked for again.
  const quote =
    lobby.quote &&
    lobby.quote.amountCents === cents &&
    lobby.depositorName === name.trim() &&
    lobby.method === method
      ? lobby.quote
      : null;
  return (
    <div className="stack">
      <h2>{t('lobby.amountTitle')}</h2>
      <div className="row">
        <TextField
          label={t('lobby.amount')}
          value={amount}
          onChange={setAmount}
          keyboard="amount"
          name="amount"
        />
        <TextField
          label={t('lobby.yourName')}
          value={name}
          onChange={setName}
          maxLength={80}
          name="depositorName"
        />
      </div>
      <fieldset>
        <legend>{t('lobby.method')}</legend>
        {methods.map((option) => (
          <label key={option} className="choice">
            <input
              type="radio"
              name="method"
              checked={method === option}
              onChange={() => setMethod(option)}
            />
            {t(`lobby.${option}`)}
          </label>
        ))}
      </fieldset>
      {quote && <QuoteFacts quote={quote} />}
      <ActionBar>
        {quote?.allowed ? (
          <button type="button" className="button primary" onClick={lobby.startPaying}>
            {t('lobby.confirm', { total: formatMoney(quote.totalCents, locale) })}
          </button>
        ) : (
          <button
            type="button"
            className="button primary"
            disabled={!valid || lobby.busy}
            onClick={() => cents !== null && void lobby.quoteFor(cents, name.trim(), method)}
          >
            {t('lobby.quote')}
          </button>
        )}
      </ActionBar>
    </div>
  );
}

function CardPay() {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const { card, startCard, error } = useHardware();
  const lobby = useLobby();
  const requoted = useRef<string | null>(null);

  useEffect(() => {
    void useHardware.getState().startCard();
    return () => {
      if (useHardware.getState().card.status === 'waiting')
        void useHardware.getState().cancelCard();
    };
  }, []);

  useEffect(() => {
    if (card.status === 'read' && card.result && requoted.current !== card.result.token) {
      requoted.current = card.result.token;
      void lobby.requoteWithCard(card.result);
    }
  }, [card, lobby]);

  if (card.status !== 'read' || !card.result) {
    return (
      <div className="notice info" role="status">
        {card.status === 'error' ? (
          <CardErrorNotice code={card.errorCode} />
        ) : (
          <p>{t('lobby.swipe')}</p>
        )}
        {card.status === 'error' && (
          <button type="button" className="button secondary" onClick={() => void startCard()}>
            {t('app.retry')}
          </button>
        )}
        <ErrorNotice error={error} />
      </div>
    );
  }
  const result = card.result;
  return (
    <div className="stack">
      <p>{t('lobby.cardRead', { brand: result.brand.toUpperCase(), last4: result.last4 })}</p>
      {lobby.quote && <QuoteFacts quote={lobby.quote} />}
      {lobby.quote?.allowed && (
        <ActionBar>
          <button
            type="button"
            className="button primary"
            disabled={lobby.busy}
            onClick={() => void lobby.deposit({ kind: 'card', card: result }, locale)}
          >
            {t('lobby.confirm', { total: formatMoney(lobby.quote.totalCents, locale) })}
          </button>
        </ActionBar>
      )}
    </div>
  );
}

function CashPay() {
  const { t } = useTranslation();
  const locale = useLocale();
  const lobby = useLobby();
  if (!lobby.resident) return null;
  return (
    <CashInsert
      targetCents={lobby.quote?.totalCents ?? 0}
      purpose={{
        kind: 'deposit',
        residentId: lobby.resident.residentId,
        amountCents: lobby.amountCents,
        depositorName: lobby.depositorName,
        locale,
      }}
      finishLabel={t('lobby.doneInserting')}
      noChangeText={t('lobby.noChange')}
      busy={lobby.busy}
      onFinish={(cashSessionId) => void lobby.deposit({ kind: 'cash', cashSessionId }, locale)}
      onSettled={lobby.cashSettled}
    />
  );
}

function Done() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { receipt, resident, startOver } = useLobby();
  if (!receipt) return null;
  return (
    <div className="stack">
      <Notice tone="ok">{t('lobby.success')}</Notice>
      {receipt.cash && receipt.cash.ended !== 'finished' && (
        <p className="notice info">{t(`cash.ended_${receipt.cash.ended}`)}</p>
      )}
      {receipt.status === 'pending' && <p>{t('lobby.pendingNote')}</p>}
      <h2>{t('lobby.receiptTitle')}</h2>
      <dl className="facts">
        <dt>{t('lobby.name')}</dt>
        <dd dir="auto">
          {resident?.firstName} {resident?.lastName}
        </dd>
        <dt>{t('lobby.deposit')}</dt>
        <dd>{formatMoney(receipt.amountCents, locale)}</dd>
        <dt>{t('lobby.fee')}</dt>
        <dd>{formatMoney(receipt.feeCents, locale)}</dd>
        <dt>{t('lobby.total')}</dt>
        <dd>{formatMoney(receipt.totalCents, locale)}</dd>
        {receipt.cash && (
          <>
            <dt>{t('cash.inserted')}</dt>
            <dd>{formatMoney(receipt.cash.insertedCents, locale)}</dd>
          </>
        )}
        <dt>{t('lobby.reference')}</dt>
        {/* data-volatile: differs at every deposit (hidden in screenshot baselines) */}
        <dd data-volatile>{receipt.depositId}</dd>
        <dt>{t('message.date')}</dt>
        <dd data-volatile>{formatDateTime(receipt.at, locale)}</dd>
      </dl>
      {receipt.cash && receipt.cash.creditedCents > 0 && (
        <p className="notice info">
          {t('cash.extraCredited', {
            amount: formatMoney(receipt.cash.creditedCents, locale),
          })}
        </p>
      )}
      <PrintProgress job={receipt.receipt} />
      <ActionBar>
        <button type="button" className="button primary wide" onClick={startOver}>
          {t('lobby.startOver')}
        </button>
      </ActionBar>
    </div>
  );
}

const STEPS: LobbyStep[] = ['find', 'confirm', 'amount', 'pay', 'done'];

/** A customer's deposit at the lobby kiosk, one step per view. */
export default function LobbyScreen() {
  const { t } = useTranslation();
  const { step, method, error, startOver } = useLobby();
  // Paying is left to the payment device's own time limits; every other step returns to the
  // start when the visitor walks away, the receipt sooner.
  const idleMs =
    step === 'pay' ? null : step === 'done' ? LOBBY_IDLE_MS.receipt : LOBBY_IDLE_MS.step;
  const visit = useIdleReturn(idleMs, startOver);
  return (
    <section key={visit} className="panel narrow stack" aria-labelledby="lobby-title">
      <h1 id="lobby-title">{t('lobby.title')}</h1>
      <Steps
        label={t('lobby.steps')}
        steps={STEPS.map((name) => t(`lobby.step_${name}`))}
        current={STEPS.indexOf(step)}
      />
      {step === 'find' && <Find />}
      {step === 'confirm' && <Confirm />}
      {step === 'amount' && <Amount />}
      {step === 'pay' && (method === 'card' ? <CardPay /> : <CashPay />)}
      {step === 'done' && <Done />}
      {!(step === 'find' && error?.code === 'not_found') && <ErrorNotice error={error} />}
      {step !== 'find' && step !== 'done' && !(step === 'pay' && method === 'cash') && (
        <button type="button" className="button secondary" onClick={startOver}>
          {t('app.cancel')}
        </button>
      )}
    </section>
  );
}
