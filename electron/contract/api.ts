import { ContractCallError, type Result } from './errors';
import type { EventName, EventPayload } from './events';
import type { MethodInput, MethodName, MethodOutput } from './methods';

/**
 * What a transport gives the renderer: the preload bridge in Electron (`window.homeline`) and the
 * WebSocket client in the browser harness both have exactly this shape.
 */
export interface HomelineBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** The typed API the renderer's stores use. Errors arrive as ContractCallError. */
export interface HomelineApi {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * Wraps a bridge in the typed API. Outputs are trusted here: the backend validated them with the
 * same schemas before sending.
 */
export function createApi(bridge: HomelineBridge): HomelineApi {
  return {
    async invoke(method, input) {
      const result = await bridge.invoke(method, input);
      if (!result.ok) throw new ContractCallError(result.error);
      return result.value as never;
    },
    on(event, listener) {
      return bridge.on(event, (payload) => listener(payload as never));
    },
  };
}
