import WebSocket from 'ws';
import { withActionKey } from '../../backend/testing/action-key';
import { HARNESS_WS_PATH, ServerFrameSchema, type ServerFrame } from '../../contract';

/** A WebSocket client that collects frames and sends invokes by id. */
export async function wsClient(url: string, origin = url) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}${HARNESS_WS_PATH}`, {
    headers: { origin },
  });
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    frames.push(ServerFrameSchema.parse(JSON.parse(String(data))));
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  async function next(match: (frame: ServerFrame) => boolean): Promise<ServerFrame> {
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  return {
    socket,
    frames,
    next,
    async invoke(method: string, input: unknown) {
      const id = nextId++;
      const keyed = withActionKey(method, input);
      socket.send(JSON.stringify({ type: 'invoke', id, method, input: keyed }));
      const frame = await next((f) => f.type === 'result' && f.id === id);
      return frame.type === 'result' ? frame.result : null;
    },
    async raw(data: string | Buffer) {
      const before = frames.length;
      socket.send(data);
      return next((f) => frames.indexOf(f) >= before && f.type === 'result' && f.id === null);
    },
    close: () => socket.close(),
  };
}
