import {
  events,
  isMethodName,
  methods,
  type ContractError,
  type EventName,
  type EventPayload,
  type HomelineBridge,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
  type Result,
} from '../../electron/contract';

type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

/** A handler's refusal: throw this and the call ends in that contract error. */
export class Refusal extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
  }
}

export interface FakeBridge extends HomelineBridge {
  calls: Array<{ method: string; input: unknown }>;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/**
 * The seam for renderer tests (like electron/fiddle's fake bridge). It holds the renderer to
 * the contract: every input is parsed with the method's schema (a bad one fails the call with
 * invalid_input, as the backend would), every output and event payload with its own schema.
 */
export function createFakeBridge(handlers: Handlers): FakeBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: FakeBridge['calls'] = [];
  return {
    calls,
    async invoke(method, input): Promise<Result<unknown>> {
      calls.push({ method, input });
      if (!isMethodName(method)) {
        return { ok: false, error: { code: 'unknown_method', message: method } };
      }
      const parsed = methods[method].input.safeParse(input);
      if (!parsed.success) {
        return { ok: false, error: { code: 'invalid_input', message: parsed.error.message } };
      }
      const handler = handlers[method];
      if (!handler) return { ok: false, error: { code: 'internal', message: `no fake ${method}` } };
      try {
        const value = await handler(parsed.data as never);
        return { ok: true, value: methods[method].output.parse(value) };
      } catch (error) {
        if (error instanceof Refusal) return { ok: false, error: error.error };
        throw error;
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    emit(event, payload) {
      const valid = events[event].parse(payload);
      for (const listener of listeners.get(event) ?? []) listener(valid);
    },
  };
}
