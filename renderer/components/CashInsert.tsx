import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../format';
import { asLocale } from '../i18n';
import { useHardware } from '../stores/hardware';
import { ErrorNotice } from './ErrorNotice';

interface CashInsertProps {
  /** What must be inserted before the person may finish. */
  targetCents: number;
  finishLabel: string;
  busy: boolean;
  /** The session ended with enough inserted: pay with it. */
  onFinish(cashSessionId: string): void;
}

/**
 * Feeding bills to the acceptor: the running total, the bill held in escrow with accept and
 * return, and what went wrong with a bill. Opens a cash session when it appears.
 */
export function CashInsert({ targetCents, finishLabel, busy, onFinish }: CashInsertProps) {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const { cash, lastBill, escrow, endCash, error } = useHardware();
  const inserted = cash?.insertedCents ?? 0;
  const insertedText = t('lobby.inserted', { amount: formatMoney(inserted, locale) });

  useEffect(() => {
    void useHardware.getState().startCash();
  }, []);

  const finish = async () => {
    const ended = await endCash();
    if (ended) onFinish(ended.cashSessionId);
  };

  return (
    <div className="stack">
      <p className="big-number">
        {t('lobby.amountDue', { amount: formatMoney(targetCents, locale) })}
      </p>
      <p className="notice warn">{t('lobby.noChange')}</p>
      <p className="lead">{t('lobby.insertBills')}</p>
      <p className="inserted" role="status">
        {insertedText}
      </p>
      <progress
        aria-label={insertedText}
        max={Math.max(targetCents, 1)}
        value={Math.min(inserted, targetCents)}
      />
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
      <button
        type="button"
        className="button primary"
        disabled={inserted < targetCents || busy || cash?.state === 'escrow'}
        onClick={() => void finish()}
      >
        {finishLabel}
      </button>
    </div>
  );
}
