/**
 * The two IPC channels: calls (renderer -> main, answered) and events (main -> renderer). Its own
 * module with no imports, because the sandboxed preload bundles it.
 */
export const INVOKE_CHANNEL = 'homeline:invoke';
export const EVENT_CHANNEL = 'homeline:event';

/** The message on EVENT_CHANNEL. */
export interface EventMessage {
  event: string;
  payload: unknown;
}
