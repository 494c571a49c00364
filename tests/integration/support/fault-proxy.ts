import {
  request as httpRequest,
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fault-injecting HTTP proxy for sync tests: sits between a device and the central service on
 * 127.0.0.1 and, per request, passes it, delays it, drops it, duplicates it, truncates or resets
 * it. What a fault does to each side:
 * - delay:             waits `ms`, then forwards normally;
 * - drop_request:      never forwards; the client's connection is closed without an answer;
 * - drop_response:     forwards (the server acts), then closes the client's connection unanswered;
 * - duplicate:         forwards the same bytes twice; the client gets the first answer;
 * - truncate_request:  sends the server half the body and cuts the connection; the client is cut;
 * - truncate_response: forwards, then sends the client the headers and half the body and cuts;
 * - reset:             answers the client's connection with a TCP reset, forwards nothing;
 * - rewrite:           forwards, then changes the answer's body (bytes altered in transit).
 */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop_request' }
  | { kind: 'drop_response' }
  | { kind: 'duplicate' }
  | { kind: 'truncate_request' }
  | { kind: 'truncate_response' }
  | { kind: 'reset' }
  | { kind: 'rewrite'; change: (body: string) => string };

interface RequestInfo {
  method: string;
  path: string;
  /** 0-based count of requests the proxy has seen. */
  index: number;
}

export interface FaultProxy {
  url: string;
  /** Where requests go; change it when the service restarts on another port. */
  target: string;
  /** Chooses the fault for each request; default passes everything. */
  plan: (info: RequestInfo) => Fault;
  /** How many requests got each fault. */
  readonly applied: Record<Fault['kind'], number>;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let index = 0;
  const applied: FaultProxy['applied'] = {
    pass: 0,
    delay: 0,
    drop_request: 0,
    drop_response: 0,
    duplicate: 0,
    truncate_request: 0,
    truncate_response: 0,
    reset: 0,
    rewrite: 0,
  };

  const forward = (incoming: IncomingMessage, body: Buffer, cutHalfway = false) =>
    new Promise<Upstream>((resolve, reject) => {
      const upstreamUrl = new URL(proxy.target);
      const outgoing = httpRequest(
        {
          host: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: upstreamUrl.host },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      if (cutHalfway) {
        outgoing.write(body.subarray(0, Math.floor(body.length / 2)), () => outgoing.destroy());
        reject(new Error('request cut on purpose'));
      } else {
        outgoing.end(body);
      }
    });

  const answer = (response: ServerResponse, upstream: Upstream, half = false) => {
    const headers = { ...upstream.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    headers['content-length'] = String(upstream.body.length);
    response.writeHead(upstream.status, headers);
    if (!half) {
      response.end(upstream.body);
      return;
    }
    response.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)), () =>
      response.socket?.destroy(),
    );
  };

  const proxy: FaultProxy = {
    url: '',
    target,
    plan: () => ({ kind: 'pass' }),
    applied,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = proxy.plan({
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        index: index++,
      });
      applied[fault.kind] += 1;
      void handle(fault, incoming, response, body).catch(() => response.socket?.destroy());
    });
  });

  async function handle(
    fault: Fault,
    incoming: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
  ) {
    switch (fault.kind) {
      case 'pass':
        return answer(response, await forward(incoming, body));
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return answer(response, await forward(incoming, body));
      case 'drop_request':
        return void response.socket?.destroy();
      case 'drop_response':
        await forward(incoming, body);
        return void response.socket?.destroy();
      case 'duplicate': {
        const first = await forward(incoming, body);
        await forward(incoming, body).catch(() => undefined);
        return answer(response, first);
      }
      case 'truncate_request':
        await forward(incoming, body, true).catch(() => undefined);
        return void response.socket?.destroy();
      case 'truncate_response':
        return answer(response, await forward(incoming, body), true);
      case 'reset':
        return void response.socket?.resetAndDestroy();
      case 'rewrite': {
        const upstream = await forward(incoming, body);
        return answer(response, {
          ...upstream,
          body: Buffer.from(fault.change(upstream.body.toString())),
        });
      }
    }
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
