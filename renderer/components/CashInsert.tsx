import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CashSettlement } from '../../electron/contract';
import { formatMoney } from '../format';
import { asLocale } from '../i18n';
import { useHardware, type CashPurposeInput } from '../stores/hardware';
import { ErrorNotice } from './ErrorNotice';

interface CashInsertProps {
  /** What must be inserted before the person may finish. */
  targetCents: number;
  /** What the bills pay for: cash left behind (cancel, walk-away, leaving) is booked for it. */
  purpose: CashPurposeInput;
  finishLabel: string;
  /** "No change" worded for what this cash pays (a deposit, or stamps and the account). */
  noChangeText: string;
  busy: boolean;
  /** The session ended with enough inserted: pay with it. */
  onFinish(cashSessionId: string): void;
  /** The backend booked the cash without a finish (cancel here, or the person walked away). */
  onSettled(settlement: CashSettlement): void;
}

/** What a bill the acceptor settled after a restart became, for the person who inserted it. */
function RecoveredBill() {
  const { t, i18n } = useTranslation();
  const lastBill = useHardware((state) => state.lastBill);
  if (!lastBill?.recovered) return null;
  const amount = formatMoney(lastBill.denominationCents ?? 0, asLocale(i18n.language));
  const key =
    lastBill.event === 'stacked' ||
    lastBill.event === 'returned' ||
    lastBill.event === 'escrow' ||
    lastBill.event === 'uncertain'
      ? (`cash.recovered_${lastBill.event}` as const)
      : null;
  if (!key) return null;
  return (
    <p className={`notice ${lastBill.event === 'uncertain' ? 'warn' : 'info'}`} role="status">
      {t(key, { amount })}
    </p>
  );
}

/**
 * Feeding bills to the acceptor: the amount due, that no change is given, the running total, the
 * bill held in escrow with accept and return, what went wrong with a bill, and a cancel that
 * keeps what went in. Opens a cash session for `purpose` when it appears; leaving the screen
 * with bills in it cancels, so they are booked rather than forgotten.
 */
export function CashInsert({
  targetCents,
  purpose,
  finishLabel,
  noChangeText,
  busy,
  onFinish,
  onSettled,
}: CashInsertProps) {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const { cash, lastBill, escrow, endCash, cancelCash, settlement, error } = useHardware();
  const inserted = cash?.insertedCents ?? 0;
  const insertedText = t('lobby.inserted', { amount: formatMoney(inserted, locale) });
  // The session opens when the acceptor has been told to take bills (payment.cashStart).
  const accepting = cash !== null && cash.state !== 'ended';

  useEffect(() => {
    void useHardware.getState().startCash(purpose);
    return () => {
      const { cash: open, settlement: done } = useHardware.getState();
      if (open && open.state !== 'ended' && !done) void useHardware.getState().cancelCash();
    };
    // One session per appearance: the purpose is fixed while this screen shows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Told once per settlement, however often the parent hands a new callback.
  const told = useRef<CashSettlement | null>(null);
  useEffect(() => {
    if (!settlement || told.current === settlement) return;
    told.current = settlement;
    onSettled(settlement);
  }, [settlement, onSettled]);

  const finish = async () => {
    const ended = await endCash();
    if (ended) onFinish(ended.cashSessionId);
  };

  return (
    <div className="stack">
      <p className="big-number">
        {t('lobby.amountDue', { amount: formatMoney(targetCents, locale) })}
      </p>
      <p className="notice warn">{noChangeText}</p>
      {/* "Insert bills" only once the acceptor takes them: a bill fed before would come back. */}
      <p className="lead" aria-live="polite">
        {accepting ? t('lobby.insertBills') : t('lobby.acceptorStarting')}
      </p>
      <p className="inserted" role="status">
        {insertedText}
      </p>
      {accepting && (
        <progress
          aria-label={insertedText}
          max={Math.max(targetCents, 1)}
          value={Math.min(inserted, targetCents)}
        />
      )}
      <RecoveredBill />
      {cash?.state === 'escrow' && cash.escrowCents !== null && (
        <div className="notice info">
          <p>{t('lobby.escrow', { amount: formatMoney(cash.escrowCents, locale) })}</p>
          <div className="actions">
            <button type="button" className="button primary" onClick={() => void escrow('accept')}>
              {t('lobby.accept')}
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => void escrow('return')}
            >
              {t('lobby.returnBill')}
            </button>
          </div>
        </div>
      )}
      {lastBill?.event === 'rejected' && <p className="notice warn">{t('lobby.billRejected')}</p>}
      {lastBill?.event === 'jammed' && <p className="notice error">{t('lobby.billJammed')}</p>}
      {lastBill?.event === 'cassette_full' && (
        <p className="notice error">{t('lobby.cassetteFull')}</p>
      )}
      <ErrorNotice error={error} />
      {inserted > 0 && (
        <p className="notice info">
          {t('cash.cancelKeeps', { amount: formatMoney(inserted, locale) })}
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          disabled={busy || !cash || cash.state === 'ended'}
          onClick={() => void cancelCash()}
        >
          {t('cash.cancel')}
        </button>
        <button
          type="button"
          className="button primary"
          disabled={inserted < targetCents || busy || cash?.state === 'escrow'}
          onClick={() => void finish()}
        >
          {finishLabel}
        </button>
      </div>
    </div>
  );
}
