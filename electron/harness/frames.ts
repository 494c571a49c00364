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
  frame: { type: 'result', id, result: result as ResultFrame['result'] },
});

/** The invoke id of a frame that failed the envelope check, when it has a usable one. */
function salvageId(value: unknown): number | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

/**
 * Checks one WebSocket message against the contract's envelope: text only, at most
 * MAX_FRAME_BYTES, JSON, an `invoke` frame. Anything else becomes a typed result frame.
 */
export function parseFrame(data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return refuse(null, fail('invalid_input', 'frames must be JSON text'));
  if (data.length > MAX_FRAME_BYTES) {
    return refuse(
      null,
      fail('payload_too_large', `frames are limited to ${MAX_FRAME_BYTES} bytes`),
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
