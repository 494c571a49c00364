import type { PrinterCondition, PrinterStatus } from '../../hal';

export const DLE = 0x10;
export const EOT = 0x04;
export const ENQ = 0x05;

/** `DLE EOT n`: real-time status request, answered with one byte even when offline. */
export function statusRequest(n: 1 | 2 | 3 | 4): Uint8Array {
  return Uint8Array.of(DLE, EOT, n);
}

/** A real-time status reply: fixed bits 0 and 7 clear, 1 and 4 set. */
export function isStatusReply(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/** First byte of an Automatic Status Back block (4 bytes) some printers push. */
export function isAsbHeader(byte: number): boolean {
  return (byte & 0x93) === 0x10;
}

/** The replies to each `DLE EOT n` a model asks for. */
export type StatusReplies = Partial<Record<1 | 2 | 3 | 4, number>>;

/**
 * Status decoding per printer model: which `n` to ask and what the bits mean. Kiosk printers
 * add presenter bits, so a model can bring its own decoder.
 */
export interface StatusModel {
  id: string;
  requests: readonly (1 | 2 | 3 | 4)[];
  decode(replies: StatusReplies): PrinterStatus;
}

const bit = (value: number | undefined, mask: number) =>
  value !== undefined && (value & mask) !== 0;

/** Generic ESC/POS (Epson TM-T88 class) real-time status. */
export const genericEscPos: StatusModel = {
  id: 'generic',
  requests: [1, 2, 3, 4],
  decode(replies) {
    const offline = bit(replies[1], 0x08);
    const coverOpen = bit(replies[2], 0x04);
    const paperStop = bit(replies[2], 0x20);
    const error = bit(replies[2], 0x40);
    const paperNearEnd = bit(replies[4], 0x0c);
    const paperOut = bit(replies[4], 0x60) || paperStop;
    const recoverable = bit(replies[3], 0x40) && !bit(replies[3], 0x20);
    return {
      condition: conditionOf({ offline, coverOpen, paperOut, error, paperNearEnd }),
      paperNearEnd,
      paperOut,
      coverOpen,
      offline,
      error,
      recoverable,
    };
  },
};

function conditionOf(flags: {
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  error: boolean;
  paperNearEnd: boolean;
}): PrinterCondition {
  if (flags.paperOut) return 'paper_out';
  if (flags.coverOpen) return 'cover_open';
  if (flags.error) return 'error';
  if (flags.offline) return 'offline';
  if (flags.paperNearEnd) return 'paper_near_end';
  return 'ok';
}

export const STATUS_MODELS: Readonly<Record<string, StatusModel>> = { generic: genericEscPos };

/** The printer cannot take a job in this condition (near end still prints). */
export function blocksPrinting(status: PrinterStatus): boolean {
  return status.condition !== 'ok' && status.condition !== 'paper_near_end';
}
