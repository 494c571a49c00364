import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageSummary } from '../../electron/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { TextField } from '../components/TextField';
import { formatDateTime } from '../format';
import { asLocale } from '../i18n';
import { Inbox } from '../components/icons';
import { EmptyState } from '../components/design';
import { StatusTag } from '../components/StatusTag';
import { useMail, type Folder } from '../stores/mail';
import { useNavigation } from '../stores/navigation';

const FOLDERS: Folder[] = ['inbox', 'sent', 'drafts'];

function MessageRow({ message }: { message: MessageSummary }) {
  const { t, i18n } = useTranslation();
  const go = useNavigation((state) => state.go);
  const unread = message.direction === 'inbound' && message.readAt === null;
  const who =
    message.direction === 'inbound'
      ? t('inbox.from', { name: message.contactName })
      : t('inbox.to', { name: message.contactName });
  return (
    <li>
      <button
        type="button"
        className={unread ? 'list-item unread' : 'list-item'}
        onClick={() => go('message', message.id)}
      >
        <span className="top-line">
          <span className="subject" dir="auto">
            {message.subject}
          </span>
          <StatusTag
            direction={message.direction}
            status={message.status}
            readAt={message.readAt}
          />
        </span>
        <span className="truncate" dir="auto" title={who}>
          {who}
        </span>
        <span className="meta" dir="auto">
          {message.preview}
        </span>
        <span className="meta">
          {formatDateTime(message.createdAt, asLocale(i18n.language))}
          {message.attachmentCount > 0 &&
            ` · ${t('inbox.attachments', { count: message.attachmentCount })}`}
        </span>
      </button>
    </li>
  );
}

/** Folders, search and the message list. */
export default function InboxScreen() {
  const { t } = useTranslation();
  const { folder, messages, nextCursor, query, busy, error, load, loadMore, search } = useMail();
  const clearSearch = useMail((state) => state.clearSearch);
  const [text, setText] = useState(query ?? '');

  useEffect(() => {
    void load(useMail.getState().folder);
  }, [load]);

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    void search(text);
  };

  return (
    <>
      <h1>{t('inbox.title')}</h1>
      <div className="actions" role="group" aria-label={t('inbox.folders')}>
        {FOLDERS.map((name) => (
          <button
            key={name}
            type="button"
            className="button toggle"
            aria-pressed={query === null && folder === name}
            onClick={() => {
              setText('');
              void load(name);
            }}
          >
            {t(`inbox.${name}`)}
          </button>
        ))}
      </div>
      <form role="search" className="row" onSubmit={onSearch}>
        <TextField label={t('inbox.search')} value={text} onChange={setText} name="search" />
        <button type="submit" className="button primary">
          {t('inbox.searchButton')}
        </button>
        {query !== null && (
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setText('');
              void clearSearch();
            }}
          >
            {t('inbox.clearSearch')}
          </button>
        )}
      </form>
      {query !== null && <h2>{t('inbox.results', { query })}</h2>}
      <ErrorNotice error={error} />
      {!busy && messages.length === 0 && (
        <EmptyState icon={Inbox} title={query !== null ? t('inbox.noResults') : t('inbox.empty')} />
      )}
      <ul className="list" aria-busy={busy}>
        {messages.map((message) => (
          <MessageRow key={message.id} message={message} />
        ))}
      </ul>
      {nextCursor && (
        <button type="button" className="button secondary wide" onClick={() => void loadMore()}>
          {t('inbox.more')}
        </button>
      )}
    </>
  );
}
