import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReleaseForm } from '../../electron/contract';
import { ReleaseFormSchema } from '../../electron/contract/entities';
import type { DepositChannel } from '../../domain/types';
import { blockKey } from '../blocks';
import { ErrorNotice } from '../components/ErrorNotice';
import { PrintProgress } from '../components/PrintProgress';
import { TextField } from '../components/TextField';
import { formatDate, formatMoney } from '../format';
import { asLocale } from '../i18n';
import { useAccount } from '../stores/account';
import { useDevice } from '../stores/device';
import { useSession } from '../stores/session';

const FIELDS = [
  'tabletSerial',
  'firstName',
  'lastName',
  'docNumber',
  'phone',
  'returnAddress',
] as const satisfies ReadonlyArray<keyof ReleaseForm>;

function useChannels() {
  const { t } = useTranslation();
  return (channels: DepositChannel[]) =>
    channels.map((channel) => t(`account.channel_${channel}`)).join(', ');
}

function ReleaseRequestForm() {
  const { t } = useTranslation();
  const resident = useSession((state) => state.session?.resident);
  const { requestRelease, busy } = useAccount();
  const [form, setForm] = useState<ReleaseForm>({
    tabletSerial: resident?.tabletSerial ?? '',
    firstName: resident?.firstName ?? '',
    lastName: resident?.lastName ?? '',
    docNumber: resident?.docNumber ?? '',
    phone: '',
    returnAddress: '',
  });
  const valid = ReleaseFormSchema.safeParse(form).success;
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) void requestRelease(form);
      }}
    >
      {FIELDS.map((field) => (
        <TextField
          key={field}
          label={t(`account.${field}`)}
          value={form[field]}
          onChange={(value) => setForm({ ...form, [field]: value })}
          multiline={field === 'returnAddress'}
          rows={3}
          name={field}
        />
      ))}
      <button type="submit" className="button primary" disabled={!valid || busy}>
        {t('account.submitRelease')}
      </button>
    </form>
  );
}

/** Spendable balance, deposit blocks explained, and the tablet release request. */
export default function AccountScreen() {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const channels = useChannels();
  const { status, requests, error, load, printReleaseForm, printJob } = useAccount();
  const canPrint = useDevice(
    (state) => state.info?.profile === 'kiosk' && state.info.hardware.receiptPrinter,
  );

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <h1>{t('account.title')}</h1>
      <ErrorNotice error={error} />
      {status && (
        <div className="grid">
          <section className="panel" aria-labelledby="spendable">
            <h2 id="spendable">{t('account.spendable')}</h2>
            <p className="big-number">{formatMoney(status.spendableCents, locale)}</p>
          </section>
          <section className="panel" aria-labelledby="blocks">
            <h2 id="blocks">{t('account.blocks')}</h2>
            {status.blocks.length === 0 && <p>{t('account.noBlocks')}</p>}
            {status.blocks.map((block) => (
              <div key={`${block.code}-${block.since}`} className="notice warn">
                <p>{t(blockKey(block.code))}</p>
                <p className="meta">
                  {t('account.blockSince', { when: formatDate(block.since, locale) })}
                </p>
                <p>{t('account.closes', { channels: channels(block.channels) })}</p>
              </div>
            ))}
            {status.blocks.length > 0 && (
              <p>
                <strong>
                  {t('account.stillPossible', { channels: channels(status.allowedChannels) })}
                </strong>
              </p>
            )}
          </section>
        </div>
      )}
      <section className="panel stack" aria-labelledby="release">
        <h2 id="release">{t('account.release')}</h2>
        <p>{t('account.releaseIntro')}</p>
        {requests.length > 0 && (
          <>
            <h3>{t('account.requests')}</h3>
            <ul className="list">
              {requests.map((request) => (
                <li key={request.id} className="notice info">
                  <p>
                    <strong>{request.tabletSerial}</strong> ·{' '}
                    <span className="tag">{t(`account.release_${request.status}`)}</span>
                  </p>
                  <p className="meta">{formatDate(request.createdAt, locale)}</p>
                  {canPrint ? (
                    <button
                      type="button"
                      className="button secondary"
                      onClick={() => void printReleaseForm(request.id, locale)}
                    >
                      {t('account.print')}
                    </button>
                  ) : (
                    <p className="meta">{t('account.printOnKiosk')}</p>
                  )}
                </li>
              ))}
            </ul>
            <PrintProgress job={printJob} />
          </>
        )}
        <ReleaseRequestForm />
      </section>
    </>
  );
}
