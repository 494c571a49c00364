import type { Result } from '../contract';

/** How many keyed answers one connection remembers: far more than one screen's actions. */
const REMEMBERED_ANSWERS = 200;

interface Remembered {
  method: string;
  /** The call's input without its key, as JSON: the same key with other input is refused. */
  input: string;
  answer: Promise<Result<unknown>>;
}

/**
 * The answers of one connection's keyed calls (actions that change data carry a key their screen
 * made when it opened). The same key again, while the first call runs or after it succeeded, gets
 * the first answer and changes nothing; a failed call (which saved nothing) frees its key, so the
 * person may try again from the same screen. Keys are scoped by who is signed in, so a key from
 * one person's screen never returns another person's answer; the same key with another method or
 * input is a `conflict`. In memory: a key lives as long as its screen, and a restarted app opens
 * new screens with new keys.
 */
export function createIdempotentCalls(conflict: () => Result<unknown>, limit = REMEMBERED_ANSWERS) {
  const answers = new Map<string, Remembered>();
  return function once(
    scope: string,
    key: string,
    method: string,
    input: unknown,
    call: () => Promise<Result<unknown>>,
  ): Promise<Result<unknown>> {
    const id = `${scope}\u0000${key}`;
    const inputJson = JSON.stringify(input);
    const seen = answers.get(id);
    if (seen) {
      return seen.method === method && seen.input === inputJson
        ? seen.answer
        : Promise.resolve(conflict());
    }
    const answer = call().then((result) => {
      if (!result.ok) answers.delete(id);
      return result;
    });
    answers.set(id, { method, input: inputJson, answer });
    if (answers.size > limit) answers.delete(answers.keys().next().value!);
    return answer;
  };
}
