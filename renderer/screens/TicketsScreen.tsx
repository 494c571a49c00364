import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TICKET_CATEGORIES, type TicketCategory } from '../../domain/types';
import { tabletSerial as tabletSerialSchema } from '../../electron/contract/primitives';
import { ErrorNotice, Notice } from '../components/ErrorNotice';
import { TextField } from '../components/TextField';
import { formatDateTime } from '../format';
import { asLocale } from '../i18n';
import { useSession } from '../stores/session';
import { useTickets } from '../stores/tickets';

function NewTicket({ onFiled }: { onFiled(): void }) {
  const { t, i18n } = useTranslation();
  const tickets = useTickets();
  const serial = useSession((state) => state.session?.resident?.tabletSerial ?? '');
  const [tabletSerial, setTabletSerial] = useState(serial);
  const [category, setCategory] = useState<TicketCategory>('other');
  const [description, setDescription] = useState('');
  const valid =
    tabletSerialSchema.safeParse(tabletSerial).success && description.trim().length >= 10;

  const file = async () => {
    if (await tickets.file({ tabletSerial, category, description: description.trim() })) {
      setDescription('');
      onFiled();
    }
  };

  return (
    <section className="panel stack" aria-labelledby="new-ticket">
      <h2 id="new-ticket">{t('tickets.newTicket')}</h2>
      <TextField
        label={t('tickets.serial')}
        value={tabletSerial}
        onChange={setTabletSerial}
        upperCase
        name="serial"
      />
      <fieldset>
        <legend>{t('tickets.category')}</legend>
        <div className="grid">
          {TICKET_CATEGORIES.map((option) => (
            <label key={option} className="choice">
              <input
                type="radio"
                name="category"
                checked={category === option}
                onChange={() => {
                  setCategory(option);
                  tickets.clearSuggestions();
                }}
              />
              {t(`tickets.category_${option}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <TextField
        label={t('tickets.description')}
        hint={t('tickets.descriptionHint')}
        value={description}
        onChange={(text) => {
          setDescription(text);
          tickets.clearSuggestions();
        }}
        multiline
        maxLength={2000}
        name="description"
      />
      <ErrorNotice error={tickets.error} />
      {tickets.suggestions === null ? (
        <button
          type="button"
          className="button primary"
          disabled={!valid || tickets.busy}
          onClick={() =>
            void tickets.suggest(description.trim(), category, asLocale(i18n.language))
          }
        >
          {t('tickets.suggestButton')}
        </button>
      ) : (
        <section aria-labelledby="suggestions" className="stack">
          <h3 id="suggestions">{t('tickets.suggestTitle')}</h3>
          {tickets.suggestions.length === 0 && <p>{t('tickets.noSuggestions')}</p>}
          {tickets.suggestions.map((suggestion) => (
            <div key={suggestion.id} className="notice info">
              <h4>{suggestion.title}</h4>
              <ol>
                {suggestion.steps.map((step) => (
                  <li key={step}>{step}</li>
                ))}
              </ol>
            </div>
          ))}
          <div className="actions">
            <button
              type="button"
              className="button primary"
              disabled={tickets.busy}
              onClick={() => void file()}
            >
              {t('tickets.stillNeedHelp')}
            </button>
            {tickets.suggestions.length > 0 && (
              <button
                type="button"
                className="button secondary"
                onClick={() => {
                  setDescription('');
                  tickets.clearSuggestions();
                }}
              >
                {t('tickets.solved')}
              </button>
            )}
          </div>
        </section>
      )}
    </section>
  );
}

function TicketView() {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const { current, reply, busy } = useTickets();
  const [body, setBody] = useState('');
  if (!current) return null;
  return (
    <section className="panel stack" aria-labelledby="ticket-view">
      <h2 id="ticket-view">
        {t(`tickets.category_${current.ticket.category}`)} ·{' '}
        {t(`tickets.status_${current.ticket.status}`)}
      </h2>
      <p>{current.ticket.description}</p>
      <h3>{t('tickets.replies')}</h3>
      <ul className="list">
        {current.messages.map((message) => (
          <li key={message.id} className="notice info">
            <strong>{message.author === 'agent' ? t('tickets.agent') : t('tickets.you')}</strong>{' '}
            <span className="meta">
              {formatDateTime(message.at, locale)}
              {!message.delivered && ` · ${t('tickets.waiting')}`}
            </span>
            <p dir="auto">{message.body}</p>
          </li>
        ))}
      </ul>
      <TextField
        label={t('tickets.replyLabel')}
        value={body}
        onChange={setBody}
        multiline
        name="reply"
      />
      <button
        type="button"
        className="button primary"
        disabled={!body.trim() || busy}
        onClick={() => void reply(body.trim()).then((ok) => ok && setBody(''))}
      >
        {t('tickets.sendReply')}
      </button>
    </section>
  );
}

/** Tablet support: suggested steps first, then a ticket that follows the resident. */
export default function TicketsScreen() {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const { tickets, load, open, current } = useTickets();
  const [filed, setFiled] = useState(false);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <h1>{t('tickets.title')}</h1>
      {filed && <Notice tone="ok">{t('tickets.filed')}</Notice>}
      <NewTicket onFiled={() => setFiled(true)} />
      <section className="panel" aria-labelledby="ticket-list">
        <h2 id="ticket-list">{t('tickets.list')}</h2>
        {tickets.length === 0 && <p>{t('tickets.empty')}</p>}
        <ul className="list">
          {tickets.map((ticket) => (
            <li key={ticket.id}>
              <button
                type="button"
                className={current?.ticket.id === ticket.id ? 'list-item unread' : 'list-item'}
                onClick={() => void open(ticket.id)}
              >
                <span className="top-line">
                  <span className="subject">{t(`tickets.category_${ticket.category}`)}</span>
                  <span className="tag">{t(`tickets.status_${ticket.status}`)}</span>
                </span>
                <span className="meta">{ticket.description}</span>
                <span className="meta">
                  {formatDateTime(ticket.updatedAt, locale)}
                  {ticket.unreadReplies > 0 &&
                    ` · ${t('tickets.unread', { count: ticket.unreadReplies })}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <TicketView />
    </>
  );
}
