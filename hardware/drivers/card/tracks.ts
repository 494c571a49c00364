import { DeviceError } from '../../hal';

const PERCENT = 0x25;
const SEMICOLON = 0x3b;
const QUESTION = 0x3f;
const CARET = 0x5e;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const LETTER_E = 0x45;
const LETTER_B = 0x42;

/**
 * The fields of one swipe, still as bytes: the number is never turned into a string, so every
 * copy can be overwritten once the card result is built (`wipe`).
 */
export interface SwipeFields {
  pan: Buffer;
  /** Four ASCII digits YYMM. */
  expiry: Buffer;
  serviceCode: Buffer;
  /** From track 1 (not sensitive, but only present there). */
  name: string;
  wipe(): void;
}

export function swipeError(extendedCode: string, message: string, fraud = false): DeviceError {
  return new DeviceError('extended', message, extendedCode, 'input_data', fraud ? 'fraud' : 'user');
}

interface Track {
  /** Bytes between the start and end sentinels. */
  body: Buffer;
  bad: boolean;
}

/**
 * Splits a framed swipe into ISO/IEC 7813 fields. Track 2 is preferred for the number, expiry
 * and service code; track 1 adds the name. Each track stands in when the other is unreadable
 * (a bad track 1 name never refuses a card whose track 2 is fine). Both tracks must agree when
 * both are read.
 */
export function parseSwipe(frame: Buffer, withLrc: boolean): SwipeFields {
  const tracks = splitTracks(frame, withLrc);
  const track1 = attempt(() =>
    tracks.track1 && !tracks.track1.bad ? parseTrack1(tracks.track1.body) : undefined,
  );
  const track2 = attempt(() =>
    tracks.track2 && !tracks.track2.bad ? parseTrack2(tracks.track2.body) : undefined,
  );
  const one = 'parsed' in track1 ? track1.parsed : undefined;
  const two = 'parsed' in track2 ? track2.parsed : undefined;
  const primary = two ?? one;
  if (!primary) {
    throw (
      ('error' in track2 ? track2.error : undefined) ??
      ('error' in track1 ? track1.error : undefined) ??
      swipeError('bad_read', 'the card could not be read, swipe again')
    );
  }
  if (one && two) {
    const agree =
      one.pan.equals(two.pan) &&
      one.expiry.equals(two.expiry) &&
      one.serviceCode.equals(two.serviceCode);
    if (!agree) {
      one.wipe();
      two.wipe();
      throw swipeError('track_mismatch', 'the card tracks disagree', true);
    }
  }
  const name = one?.name ?? '';
  if (one && one !== primary) one.wipe();
  return { ...primary, name };
}

/** A track's outcome: its fields, or the typed error that made it unusable. */
function attempt(
  parse: () => ParsedTrack | undefined,
): { parsed: ParsedTrack | undefined } | { error: DeviceError } {
  try {
    return { parsed: parse() };
  } catch (error) {
    if (error instanceof DeviceError) return { error };
    throw error;
  }
}

function splitTracks(frame: Buffer, withLrc: boolean): { track1?: Track; track2?: Track } {
  const found: { track1?: Track; track2?: Track } = {};
  let pos = 0;
  while (pos < frame.length) {
    const start = frame[pos];
    if (start !== PERCENT && start !== SEMICOLON && start !== PLUS) {
      throw swipeError('format', 'unexpected bytes in the swipe');
    }
    const end = frame.indexOf(QUESTION, pos + 1);
    if (end < 0) throw swipeError('format', 'a track has no end sentinel');
    const body = frame.subarray(pos + 1, end);
    const bad = body.length === 1 && body[0] === LETTER_E;
    if (withLrc && !bad) {
      if (end + 1 >= frame.length) throw swipeError('lrc', 'a track has no LRC');
      if (frame[end + 1] !== lrcOf(frame.subarray(pos, end + 1), start === PERCENT)) {
        throw swipeError('lrc', 'a track failed its LRC check');
      }
    }
    const track = { body, bad };
    if (start === PERCENT && !found.track1 && !found.track2) found.track1 = track;
    else if (start === SEMICOLON && !found.track2) found.track2 = track;
    // a third track (`;` after track 2, or `+`) carries nothing we use
    pos = end + 1 + (withLrc && !bad ? 1 : 0);
  }
  return found;
}

/** Track 1 characters are 6-bit (offset 0x20), track 2 characters 4-bit (offset 0x30). */
export function lrcOf(sentinelToSentinel: Uint8Array, track1: boolean): number {
  const offset = track1 ? 0x20 : 0x30;
  const mask = track1 ? 0x3f : 0x0f;
  let lrc = 0;
  for (const byte of sentinelToSentinel) lrc ^= (byte - offset) & mask;
  return lrc + offset;
}

interface ParsedTrack {
  pan: Buffer;
  expiry: Buffer;
  serviceCode: Buffer;
  name?: string;
  wipe(): void;
}

function parseTrack1(body: Buffer): ParsedTrack {
  if (body[0] !== LETTER_B) throw swipeError('format', 'track 1 is not format B');
  const firstCaret = body.indexOf(CARET, 1);
  const secondCaret = firstCaret < 0 ? -1 : body.indexOf(CARET, firstCaret + 1);
  if (firstCaret < 0 || secondCaret < 0) throw swipeError('format', 'track 1 lacks separators');
  const rawName = body.subarray(firstCaret + 1, secondCaret);
  if (rawName.length < 2 || rawName.length > 26) throw swipeError('format', 'track 1 name length');
  // a name never holds digits; a name field carrying the card number must not become a string
  if (rawName.some((byte) => byte >= 0x30 && byte <= 0x39)) {
    throw swipeError('format', 'track 1 name holds digits');
  }
  return fields(
    body.subarray(1, firstCaret),
    body.subarray(secondCaret + 1),
    readableName(rawName),
  );
}

function parseTrack2(body: Buffer): ParsedTrack {
  const separator = body.indexOf(EQUALS);
  if (separator < 0) throw swipeError('format', 'track 2 lacks its separator');
  return fields(body.subarray(0, separator), body.subarray(separator + 1));
}

function fields(panView: Buffer, rest: Buffer, name?: string): ParsedTrack {
  if (panView.length < 12 || panView.length > 19 || !allDigits(panView)) {
    throw swipeError('format', 'the card number field is malformed');
  }
  if (rest.length < 7 || !allDigits(rest.subarray(0, 7))) {
    throw swipeError('format', 'expiry or service code malformed');
  }
  // copies, so the caller can overwrite them without touching the frame (wiped separately)
  const pan = Buffer.from(panView);
  const expiry = Buffer.from(rest.subarray(0, 4));
  const serviceCode = Buffer.from(rest.subarray(4, 7));
  return {
    pan,
    expiry,
    serviceCode,
    ...(name === undefined ? {} : { name }),
    wipe() {
      pan.fill(0);
      expiry.fill(0);
      serviceCode.fill(0);
    },
  };
}

function allDigits(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte >= 0x30 && byte <= 0x39);
}

/** `SMITH/ JOHN ` -> `JOHN SMITH`; printable ASCII only. */
function readableName(raw: Buffer): string {
  const text = raw.toString('latin1');
  if (!/^[\x20-\x5f]+$/.test(text)) throw swipeError('format', 'track 1 name has bad characters');
  const [surname = '', given = ''] = text.split('/');
  return [given.trim(), surname.trim()].filter(Boolean).join(' ').replace(/\s+/g, ' ');
}
