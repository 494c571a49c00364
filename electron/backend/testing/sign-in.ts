import { DEMO } from '../seed/demo';
import type { TestBackend } from './test-backend';

/** A connection signed in as demo resident `index` (0-based). */
export async function signedIn(t: TestBackend, index = 0) {
  const window = t.connect();
  const result = await window.invoke('auth.login', {
    method: 'doc',
    state: DEMO.state,
    docNumber: DEMO.docNumber(index),
    pin: DEMO.pin,
  });
  if (!result.ok) throw new Error(`demo login failed: ${result.error.message}`);
  /** Calls a method and returns its value, failing the test on an error result. */
  async function call<T = Record<string, unknown>>(method: string, input: unknown): Promise<T> {
    const answer = await window.invoke(method, input);
    if (!answer.ok)
      throw new Error(`${method} failed: ${answer.error.code} ${answer.error.message}`);
    return answer.value as T;
  }
  return { ...window, call };
}
