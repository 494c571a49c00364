/**
 * Typed outcomes for rules that can refuse: callers switch on `ok`, and on `error.code` to pick
 * a translated message. Rules never throw for bad input; they return an error with a code.
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** A refusal: a stable machine code (translated by screens) and an English developer message. */
export interface DomainError<C extends string = string> {
  code: C;
  message: string;
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** True for a whole, non-negative number that fits exactly in a double (cents, stamps, counts). */
export function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
