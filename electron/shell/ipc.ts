import { InvokeFrameSchema, fail, type Result } from '../contract';
import type { IpcInvokeEvent } from './electron-api';
import { checkSender } from './security/sender';

/** The backend side of one renderer: what `backend.connect(emit)` returns. */
export interface BackendConnection {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  close(): void;
}

export interface InvokeHandlerOptions {
  /** The connection for the window's current page, or null before it exists. */
  connection: () => BackendConnection | null;
  /** The window's webContents id: calls from any other contents are refused. */
  webContentsId: () => number | null;
  onRefused: (reason: string) => void;
}

/**
 * The `ipcMain.handle(INVOKE_CHANNEL, ...)` handler. It checks who is calling (our window's top
 * frame on app://) and that the method name is a bounded string; the backend validates the
 * input with the contract's schema and the session's rights. It never throws across IPC.
 */
export function createInvokeHandler(options: InvokeHandlerOptions) {
  return async (
    event: IpcInvokeEvent,
    method: unknown,
    input: unknown,
  ): Promise<Result<unknown>> => {
    const sender = checkSender(event.senderFrame);
    const refusal = !sender.ok
      ? sender.reason
      : event.sender.id !== options.webContentsId()
        ? 'sent from another web contents'
        : null;
    if (refusal) {
      options.onRefused(refusal);
      return fail('forbidden', 'this caller may not use the backend');
    }
    const name = InvokeFrameSchema.shape.method.safeParse(method);
    if (!name.success) return fail('invalid_input', 'method must be a name of 1 to 64 characters');
    const connection = options.connection();
    if (!connection) return fail('internal', 'the backend is not ready yet');
    try {
      return await connection.invoke(name.data, input);
    } catch {
      // The backend answers with results; a throw is a bug there, reported without details.
      return fail('internal', 'the backend failed to answer');
    }
  };
}
