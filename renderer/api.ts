import { ContractCallError, type ErrorCode, type HomelineApi } from '../electron/contract';

/**
 * The one typed API the stores use. main.tsx sets it from the chosen transport; tests set it
 * from a fake bridge. Components never touch it: they call store actions.
 */
let current: HomelineApi | null = null;

export function setApi(api: HomelineApi): void {
  current = api;
}

export function api(): HomelineApi {
  if (!current) throw new Error('renderer: setApi() was not called before a store used the API');
  return current;
}

/** A failed call as the screens show it: a translatable code and the backend's details. */
export interface UiError {
  code: ErrorCode;
  details?: Record<string, string | number | boolean | null>;
}

export function toUiError(error: unknown): UiError {
  if (error instanceof ContractCallError) {
    return error.details ? { code: error.code, details: error.details } : { code: error.code };
  }
  console.error('renderer: unexpected failure', error);
  return { code: 'internal' };
}
