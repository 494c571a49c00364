import type { Page } from '@playwright/test';

/** A contract call the page sent, from its WebSocket frames. */
interface SentCall {
  method: string;
  input: { idempotencyKey?: string } | undefined;
}

/** Records the contract calls the page sends; `count(method)` and `keys(method)` read them. */
export function recordCalls(page: Page) {
  const sent: SentCall[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { type?: string } & Partial<SentCall>;
      if (frame.type === 'invoke' && frame.method) {
        sent.push({ method: frame.method, input: frame.input });
      }
    }),
  );
  const of = (method: string) => sent.filter((call) => call.method === method);
  return {
    count: (method: string) => of(method).length,
    /** The idempotency keys the calls of `method` carried, in order. */
    keys: (method: string) => of(method).map((call) => call.input?.idempotencyKey),
  };
}

/** Clicks a button twice in one task: the second click lands before React re-renders. */
export async function doubleTapInOneFrame(page: Page, selector: string) {
  await page.locator(selector).evaluate((button: HTMLElement) => {
    button.click();
    button.click();
  });
}
