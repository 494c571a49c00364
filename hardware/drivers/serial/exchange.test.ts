import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../hal';
import { Exchange } from './exchange';

/** Blocks the event loop, as a synchronous fsync or hash does on a loaded machine. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

describe('Exchange reply deadline', () => {
  it('takes a reply that comes in the turns right after the event loop stalled past the deadline', async () => {
    // the bytes reach the device one turn of the event loop after they were written, and its
    // answer reaches us one turn later (as through a port, or the simulators' binding)
    const exchange: Exchange<number> = new Exchange(async () => {
      setImmediate(() => setImmediate(() => exchange.offer(7)));
    }, 50);
    const replied = exchange.request(Uint8Array.of(1), (reply) => reply === 7);
    // the request is on the wire; then the loop is stalled for more than the whole wait,
    // so the deadline is due before the queued reply is read
    await Promise.resolve();
    await Promise.resolve();
    stall(150);
    await expect(replied).resolves.toBe(7);
  });

  it('still times out a device that never answers, after the wait and not before', async () => {
    const exchange = new Exchange<number>(async () => undefined, 60);
    const started = performance.now();
    const refused = await exchange.request(Uint8Array.of(1)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DeviceError);
    expect((refused as DeviceError).code).toBe('timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(59);
  });
});
