import { useTranslation } from 'react-i18next';
import type { MessageDirection, MessageStatus } from '../../domain/types';
import { statusView } from '../message-status';

/** A message's status as the person should read it (see message-status.ts); nowrap, never an oval. */
export function StatusTag(props: {
  direction: MessageDirection;
  status: MessageStatus;
  readAt: string | null;
}) {
  const { t } = useTranslation();
  const view = statusView(props.direction, props.status, props.readAt);
  if (!view.label) return null;
  return <span className={`tag ${view.tone}`}>{t(`status.${view.label}`)}</span>;
}
