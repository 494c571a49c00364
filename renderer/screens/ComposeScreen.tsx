import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { StampQuote } from '../../electron/contract';
import { ErrorNotice, Notice } from '../components/ErrorNotice';
import { TextField } from '../components/TextField';
import { ActionBar } from '../components/design';
import { StatusTag } from '../components/StatusTag';
import { useCompose } from '../stores/compose';
import { useDevice } from '../stores/device';
import { useMail } from '../stores/mail';
import { useNavigation } from '../stores/navigation';
import { useStamps } from '../stores/stamps';
import { reasonKey } from '../reasons';

function QuoteView({ quote }: { quote: StampQuote }) {
  const { t } = useTranslation();
  // Stamps bought here but not confirmed yet: say they are coming, not just "not enough".
  const arriving = useStamps((state) => state.balance?.arriving ?? 0);
  return (
    <section className="panel" aria-labelledby="quote-title" aria-live="polite">
      <h2 id="quote-title">{t('compose.cost')}</h2>
      <ul>
        {quote.lines.map((line) => (
          <li key={line.feature}>
            {t('compose.line', {
              feature: t(`compose.feature_${line.feature}`),
              count: line.count,
              stamps: t('compose.stamps', { count: line.stamps }),
            })}
          </li>
        ))}
      </ul>
      <p>
        <strong>{t('compose.total', { count: quote.total })}</strong>
      </p>
      {quote.fromPrepaid > 0 && <p>{t('compose.fromPrepaid', { count: quote.fromPrepaid })}</p>}
      <p>{t('compose.fromBalance', { count: quote.fromBalance })}</p>
      <p className="meta">{t('compose.available', { count: quote.available })}</p>
      {!quote.sufficient && (
        <p className="notice error" role="alert">
          {arriving > 0
            ? t('compose.insufficientArriving', { count: arriving })
            : t('compose.insufficient')}
        </p>
      )}
    </section>
  );
}

/** Writing and replying: contact, text, cost before sending, send (online or queued). */
export default function ComposeScreen() {
  const { t } = useTranslation();
  const compose = useCompose();
  const contacts = useMail((state) => state.contacts);
  const loadContacts = useMail((state) => state.loadContacts);
  const offersEcards = useDevice((state) => state.info?.services.includes('ecard') ?? false);
  const go = useNavigation((state) => state.go);

  useEffect(() => {
    void loadContacts();
  }, [loadContacts]);

  const ready = compose.contactId !== '' && compose.body.trim() !== '';
  const canSend = ready && compose.quote?.sufficient === true && !compose.busy;

  if (compose.sent) {
    return (
      <section className="panel narrow">
        <h1>{t('compose.title')}</h1>
        <Notice tone={compose.sent.status === 'queued' ? 'info' : 'ok'}>
          {compose.sent.status === 'queued' ? t('compose.sentQueued') : t('compose.sentOnline')}
        </Notice>
        <p>
          <StatusTag direction="outbound" status={compose.sent.status} readAt={null} />
        </p>
        <div className="actions">
          <button
            type="button"
            className="button primary"
            onClick={() => go('message', compose.sent?.id)}
          >
            {t('message.timeline')}
          </button>
          <button type="button" className="button secondary" onClick={() => compose.start()}>
            {t('home.write')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <>
      <h1>{compose.replyToMessageId ? t('compose.replyTitle') : t('compose.title')}</h1>
      {compose.refusalReason && (
        <p className="notice error" role="alert">
          {t('message.refused', { reason: t(`reason.${reasonKey(compose.refusalReason)}`) })}
        </p>
      )}
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (canSend) void compose.send();
        }}
      >
        <fieldset>
          <legend>{t('compose.chooseContact')}</legend>
          {contacts.length === 0 && <p>{t('compose.noContacts')}</p>}
          {contacts.map((contact) => (
            <label key={contact.id} className="choice">
              <input
                type="radio"
                name="contact"
                value={contact.id}
                checked={compose.contactId === contact.id}
                disabled={compose.replyToMessageId !== null && compose.contactId !== contact.id}
                onChange={() => void compose.choose({ contactId: contact.id })}
              />
              {contact.displayName}
            </label>
          ))}
        </fieldset>
        <TextField
          label={t('compose.subject')}
          value={compose.subject}
          onChange={(subject) => compose.edit({ subject })}
          maxLength={200}
          name="subject"
        />
        <TextField
          label={t('compose.body')}
          value={compose.body}
          onChange={(body) => compose.edit({ body })}
          multiline
          maxLength={10_000}
          name="body"
        />
        {offersEcards && (
          <label className="choice">
            <input
              type="checkbox"
              checked={compose.ecard}
              onChange={(event) => void compose.choose({ ecard: event.target.checked })}
            />
            {t('compose.ecard')}
          </label>
        )}
        {compose.quote && <QuoteView quote={compose.quote} />}
        <ErrorNotice error={compose.error} />
        <ErrorNotice error={compose.quoteError} />
        {!ready && <p className="hint">{t('compose.required')}</p>}
        {compose.savedAt && <Notice tone="ok">{t('compose.saved')}</Notice>}
        <ActionBar>
          <button
            type="button"
            className="button secondary"
            disabled={compose.contactId === '' || compose.busy}
            onClick={() => void compose.saveDraft()}
          >
            {t('compose.saveDraft')}
          </button>
          {compose.draftId && (
            <button
              type="button"
              className="button danger"
              onClick={() => void compose.deleteDraft()}
            >
              {t('compose.deleteDraft')}
            </button>
          )}
          <button type="submit" className="button primary" disabled={!canSend}>
            {t('compose.send')}
          </button>
        </ActionBar>
      </form>
    </>
  );
}
