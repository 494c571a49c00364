import {
  fail,
  InvokeFrameSchema,
  MAX_FRAME_BYTES,
  type Result,
  type ResultFrame,
} from '../contract';

export type ParsedFrame =
  { ok: true; id: number; method: string; input: unknown } | { ok: false; frame: ResultFrame };

const refuse = (id: number | null, result: Result<never>): ParsedFrame => ({
  ok: false,
  frame: { type: 'result', id, result },
});

/** The invoke id of a frame that failed the envelope check, when it has a usable one. */
function salvageId(value: unknown): number | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

/**
 * Deepest nesting of arrays and objects a frame may have. The contract's deepest input is a few
 * levels; the bound keeps JSON.parse and schema checks from recursing through a hostile
 * million-level frame.
 */
export const MAX_FRAME_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/** True when the JSON text nests deeper than `limit`, found by one pass over the bytes. */
function nestsDeeperThan(data: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < data.length; index += 1) {
    const byte = data[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte !== undefined && OPENERS.has(byte)) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte !== undefined && CLOSERS.has(byte)) depth -= 1;
  }
  return false;
}

/**
 * Checks one WebSocket message against the contract's envelope: text only, at most
 * MAX_FRAME_BYTES and MAX_FRAME_DEPTH (both checked before parsing), JSON, an `invoke` frame.
 * Anything else becomes a typed result frame.
 */
export function parseFrame(data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return refuse(null, fail('invalid_input', 'frames must be JSON text'));
  if (data.length > MAX_FRAME_BYTES) {
    return refuse(
      null,
      fail('payload_too_large', `frames are limited to ${MAX_FRAME_BYTES} bytes`),
    );
  }
  if (nestsDeeperThan(data, MAX_FRAME_DEPTH)) {
    return refuse(
      null,
      fail('invalid_input', `frames may nest at most ${MAX_FRAME_DEPTH} levels deep`),
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return refuse(null, fail('invalid_input', 'a frame must be valid JSON'));
  }
  const frame = InvokeFrameSchema.safeParse(value);
  if (!frame.success) {
    return refuse(salvageId(value), fail('invalid_input', 'not an invoke frame of the contract'));
  }
  return { ok: true, id: frame.data.id, method: frame.data.method, input: frame.data.input };
}
