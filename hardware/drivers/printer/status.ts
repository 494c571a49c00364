import type { PrinterCondition, PrinterErrorCause, PrinterStatus } from '../../hal';

const DLE = 0x10;
const EOT = 0x04;
const ENQ = 0x05;

/**
 * `DLE ENQ 2`: recover from a recoverable error after clearing the receive and print buffers
 * (the failed job is sent again whole, so nothing of it may be printed twice).
 */
export const RECOVER_CLEARING_BUFFERS = Uint8Array.of(DLE, ENQ, 2);

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
  /** `drawerOpenLevel`: the pin 3 level that means the drawer is open; null without a drawer. */
  decode(replies: StatusReplies, drawerOpenLevel?: 'high' | 'low' | null): PrinterStatus;
}

const bit = (value: number | undefined, mask: number) =>
  value !== undefined && (value & mask) !== 0;

/**
 * Generic ESC/POS (Epson TM-T88 class) real-time status, bit by bit as the vendors' manuals
 * (Epson, Bixolon, Citizen, CBM) document it:
 * - `DLE EOT 1` printer: bit 2 drawer kick-out connector pin 3 high, bit 3 offline, bit 5 waiting
 *   for online recovery;
 * - `DLE EOT 2` offline cause: bit 2 cover open, bit 5 stopped by paper end, bit 6 error;
 * - `DLE EOT 3` error cause: bit 2 mechanical (recoverable), bit 3 autocutter (recoverable),
 *   bit 5 unrecoverable, bit 6 automatically recoverable (head overheat, voltage);
 * - `DLE EOT 4` roll paper: bits 2-3 near end, bits 5-6 paper end.
 * Only the recoverable class (bits 2 and 3 of `DLE EOT 3`) is cleared by `DLE ENQ`; bit 6 errors
 * clear by themselves, bit 5 errors need a power cycle.
 */
export const genericEscPos: StatusModel = {
  id: 'generic',
  requests: [1, 2, 3, 4],
  decode(replies, drawerOpenLevel = null) {
    const pin3High = bit(replies[1], 0x04);
    const offline = bit(replies[1], 0x08);
    const coverOpen = bit(replies[2], 0x04);
    const paperStop = bit(replies[2], 0x20);
    const errorCause = errorCauseOf(replies[3]);
    const error = bit(replies[2], 0x40) || errorCause !== null;
    const paperNearEnd = bit(replies[4], 0x0c);
    const paperOut = bit(replies[4], 0x60) || paperStop;
    return {
      condition: conditionOf({ offline, coverOpen, paperOut, error, paperNearEnd }),
      paperNearEnd,
      paperOut,
      coverOpen,
      offline,
      error,
      errorCause,
      recoverable: errorCause === 'cutter' || errorCause === 'mechanical',
      drawerOpen: drawerOpenLevel === null ? null : pin3High === (drawerOpenLevel === 'high'),
    };
  },
};

/** The worst error class `DLE EOT 3` reports: a power cycle beats a recover command. */
function errorCauseOf(reply: number | undefined): PrinterErrorCause | null {
  if (bit(reply, 0x20)) return 'unrecoverable';
  if (bit(reply, 0x08)) return 'cutter';
  if (bit(reply, 0x04)) return 'mechanical';
  if (bit(reply, 0x40)) return 'overheat';
  return null;
}

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

/** Why a job failed, for the error's extended code: the condition, or the error class. */
export function printerFailureCode(status: PrinterStatus): string {
  if (status.condition !== 'error' || status.errorCause === null) return status.condition;
  return status.errorCause === 'overheat' ? 'overheat' : `${status.errorCause}_error`;
}

/** The printer cannot take a job in this condition (near end still prints). */
export function blocksPrinting(status: PrinterStatus): boolean {
  return status.condition !== 'ok' && status.condition !== 'paper_near_end';
}
