import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Attachment, MessageDetail } from '../../electron/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatDateTime } from '../format';
import { asLocale } from '../i18n';
import { useCompose } from '../stores/compose';
import { useMail } from '../stores/mail';
import { useNavigation } from '../stores/navigation';
import { reasonKey } from '../reasons';
import { reviewHours, statusView } from '../message-status';
import { ActionBar } from '../components/design';
import { StatusTag } from '../components/StatusTag';

function AttachmentView({ attachment, sender }: { attachment: Attachment; sender: string }) {
  const { t } = useTranslation();
  const url = useMail((state) => state.attachmentUrls[attachment.id]);
  const loadAttachment = useMail((state) => state.loadAttachment);
  const isImage = attachment.mimeType.startsWith('image/');
  return (
    <li>
      <p>{t(`message.kind_${attachment.kind}`)}</p>
      {!attachment.available && <p className="meta">{t('message.notYetAvailable')}</p>}
      {attachment.available && isImage && !url && (
        <button
          type="button"
          className="button secondary"
          onClick={() => void loadAttachment(attachment.id)}
        >
          {t('message.showPhoto')}
        </button>
      )}
      {url && <img className="photo" src={url} alt={t('message.photoAlt', { name: sender })} />}
    </li>
  );
}

function Timeline({ message }: { message: MessageDetail }) {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const view = statusView(message.direction, message.status, message.readAt);
  // The review clock reads as of when the letter was opened.
  const [openedAt] = useState(() => Date.now());
  const rejection =
    message.status === 'rejected'
      ? (message.timeline.findLast((entry) => entry.status === 'rejected')?.reason ?? 'other')
      : null;
  return (
    <section aria-labelledby="timeline-title" className="panel">
      <h2 id="timeline-title">{t('message.timeline')}</h2>
      <ol className="timeline">
        {message.timeline.map((entry) => (
          <li key={`${entry.status}-${entry.at}`}>
            <strong>{t(`timeline.${entry.status}`)}</strong>{' '}
            <span className="meta">{formatDateTime(entry.at, locale)}</span>
            {entry.reason && <span> · {t(`reason.${reasonKey(entry.reason)}`)}</span>}
          </li>
        ))}
      </ol>
      {view.showEta && message.sentAt && (
        <p>{t('message.reviewClock', reviewHours(message.sentAt, openedAt))}</p>
      )}
      {view.showEta && message.expectedDeliveryAt && !message.overdue && (
        <p>{t('message.expected', { when: formatDateTime(message.expectedDeliveryAt, locale) })}</p>
      )}
      {view.showEta && message.overdue && <p className="notice warn">{t('message.overdue')}</p>}
      {rejection && (
        <div className="notice error" role="alert">
          <p>
            <strong>
              {t('message.notDelivered', { reason: t(`reason.${reasonKey(rejection)}`) })}
            </strong>
          </p>
          <p>{t('message.notDeliveredNext')}</p>
        </div>
      )}
    </section>
  );
}

/** One message: text, photos, delivery timeline, and reply or edit. */
export default function MessageScreen() {
  const { t, i18n } = useTranslation();
  const locale = asLocale(i18n.language);
  const messageId = useNavigation((state) => state.itemId);
  const go = useNavigation((state) => state.go);
  const { current, error, open } = useMail();
  const startCompose = useCompose((state) => state.start);

  useEffect(() => {
    if (messageId) void open(messageId);
  }, [messageId, open]);

  const message = current?.id === messageId ? current : null;
  const reply = () => {
    if (!message) return;
    startCompose({
      contactId: message.contactId,
      replyToMessageId: message.id,
      subject: message.subject.startsWith('Re:') ? message.subject : `Re: ${message.subject}`,
    });
    go('compose');
  };
  const editDraft = () => {
    if (!message) return;
    startCompose({
      draftId: message.id,
      contactId: message.contactId,
      subject: message.subject,
      body: message.body,
      ecard: message.ecard,
      replyToMessageId: message.replyToMessageId,
      refusalReason: message.refusalReason,
    });
    go('compose');
  };

  return (
    <>
      <button type="button" className="button secondary" onClick={() => go('inbox')}>
        {t('app.back')}
      </button>
      <ErrorNotice error={error} />
      {message && (
        <article className="stack">
          <section className="panel">
            <h1 dir="auto">{message.subject}</h1>
            <StatusTag
              direction={message.direction}
              status={message.status}
              readAt={message.readAt}
            />
            <dl className="facts">
              <dt>{message.direction === 'inbound' ? t('message.from') : t('message.to')}</dt>
              <dd dir="auto">{message.contactName}</dd>
              <dt>{t('message.date')}</dt>
              <dd>{formatDateTime(message.sentAt ?? message.createdAt, locale)}</dd>
            </dl>
            {message.refusalReason && (
              <p className="notice error" role="alert">
                {t('message.refused', { reason: t(`reason.${reasonKey(message.refusalReason)}`) })}
              </p>
            )}
            <p className="message-body" dir="auto">
              {message.body}
            </p>
            {message.stampCost !== null && (
              <p className="meta">{t('message.cost', { count: message.stampCost })}</p>
            )}
            {message.refundedStamps > 0 && (
              <p className="notice info">
                {t('message.refunded', { count: message.refundedStamps })}
              </p>
            )}
            {message.prepaidReplyStamps > 0 && (
              <p className="notice info">
                {t('message.prepaid', {
                  name: message.contactName,
                  count: message.prepaidReplyStamps,
                })}
              </p>
            )}
            <ActionBar>
              {message.direction === 'inbound' && (
                <button type="button" className="button primary" onClick={reply}>
                  {t('message.reply')}
                </button>
              )}
              {message.status === 'draft' && (
                <button type="button" className="button primary" onClick={editDraft}>
                  {t('message.editDraft')}
                </button>
              )}
            </ActionBar>
          </section>
          {message.attachments.length > 0 && (
            <section className="panel" aria-labelledby="attachments-title">
              <h2 id="attachments-title">{t('message.attachments')}</h2>
              <ul className="list">
                {message.attachments.map((attachment) => (
                  <AttachmentView
                    key={attachment.id}
                    attachment={attachment}
                    sender={message.contactName}
                  />
                ))}
              </ul>
            </section>
          )}
          {message.direction === 'outbound' && message.status !== 'draft' && (
            <Timeline message={message} />
          )}
        </article>
      )}
    </>
  );
}
