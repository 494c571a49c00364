import { isAppUrl } from '../origin';

/** The parts of Electron's WebFrameMain that identify who sent an IPC message. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

export type SenderCheck = { ok: true } | { ok: false; reason: string };

/**
 * Electron's advisory asks every IPC handler to check the sending frame: only the window's top
 * frame, showing our own app:// page, may talk to the backend. A destroyed or navigated-away
 * frame (null), a sub-frame, or any other origin is refused.
 */
export function checkSender(frame: SenderFrame | null | undefined): SenderCheck {
  if (!frame) return { ok: false, reason: 'no sender frame (destroyed or navigated away)' };
  if (frame.parent !== null) return { ok: false, reason: 'sent from a sub-frame' };
  if (!isAppUrl(frame.url))
    return { ok: false, reason: `sent from a foreign origin: ${frame.url}` };
  return { ok: true };
}
