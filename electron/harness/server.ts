import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { HARNESS_WS_PATH, MAX_FRAME_BYTES, type EventFrame, type ResultFrame } from '../contract';
import {
  createBackend,
  DEMO,
  DEMO_FACILITY_ID,
  seedDemo,
  type Backend,
  type BackendConfig,
} from '../backend';
import { harnessKeySource } from '../backend/store';
import {
  createSimulatedKiosk,
  type BillAcceptorProtocol,
  type KioskControls,
} from '../../hardware/simulators/kiosk';
import { startPanel } from '../../hardware/simulators/panel';
import { createDeviceService, DeviceConfigError, readDevicesFile } from '../backend/devices';
import { parseFrame } from './frames';

export interface HarnessOptions
  extends
    Omit<BackendConfig, 'logger' | 'facilityId' | 'profile' | 'storeKey'>,
    Partial<Pick<BackendConfig, 'facilityId' | 'profile' | 'storeKey'>> {
  /** 0 picks a free port. The harness only ever listens on 127.0.0.1. */
  port?: number;
  /** `auto` seeds the demo data when the database is new. */
  seed?: 'auto' | 'demo' | 'none';
  /** The built renderer; served when the folder exists. */
  rendererDir?: string;
  logger?: Logger;
  /** Runs the kiosk hardware against in-process simulators (card, printer, bills, badge). */
  simulatedDevices?: boolean;
  /** With simulated devices: the acceptor's protocol (JCM ID-003 by default, or ccTalk). */
  billAcceptor?: BillAcceptorProtocol;
  /**
   * Runs the kiosk hardware of a devices file (`{ devices: {...} }`, as the shell's `devices`
   * field; e.g. the one `npm run sim` writes for its ptys). A bad file rejects with a
   * DeviceConfigError naming each problem, before anything listens.
   */
  devicesFile?: string;
}

export interface Harness {
  url: string;
  backend: Backend;
  /** The simulators' controls (swipe, insertBill, scanBadge, printed, inject) when simulated. */
  simulator: KioskControls | null;
  /**
   * The same tester panel and JSON API as `npm run sim`, on 127.0.0.1, for the in-process
   * simulators (so `npm run sim -- ctl bill 2000 --panel <url>` works here too); null when the
   * devices are not simulated.
   */
  simulatorPanel: string | null;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
export const DEFAULT_RENDERER_DIR = resolve('dist/renderer');

/** Bill credits are journaled next to the device's database. */
function creditJournalPath(options: { dataDir?: string; dbPath?: string }): string {
  return options.dataDir ? join(options.dataDir, 'credits.db') : `${options.dbPath}.credits.db`;
}

/**
 * The harness's store key file: beside the data folder, never inside it
 * (`.data/harness` -> `.data/harness.store-key`), unless HOMELINE_STORE_KEY is set.
 */
export function harnessKeyFile(options: { dataDir?: string; dbPath?: string }): string {
  return `${resolve(options.dataDir ?? dirname(options.dbPath!))}.store-key`;
}

/** Whether a browser's Origin is this server itself (http://<the Host it was reached at>). */
function isOwnOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser: nothing cross-site to defend against
  return host !== undefined && origin === `http://${host}`;
}

/**
 * Serves the contract over a WebSocket (one backend connection per socket) and the built
 * renderer, for development and end-to-end tests in Chromium.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const {
    port = 0,
    seed = 'auto',
    rendererDir = DEFAULT_RENDERER_DIR,
    logger,
    simulatedDevices = false,
    billAcceptor,
    devicesFile,
    ...rest
  } = options;
  if (simulatedDevices && devicesFile) {
    throw new DeviceConfigError('simulated devices and a devices file exclude each other');
  }
  const log = logger ?? pino({ level: 'info' });
  const kiosk = simulatedDevices ? createSimulatedKiosk({ billAcceptor }) : null;
  const fileConfig = devicesFile ? readDevicesFile(devicesFile) : null;
  const backend = await createBackend({
    profile: 'kiosk',
    facilityId: DEMO_FACILITY_ID,
    warehouseAddress: DEMO.warehouseAddress,
    ...(kiosk && {
      devices: (onEvent) =>
        createDeviceService({
          config: kiosk.config,
          logger: log.child({ component: 'devices' }),
          onEvent,
          creditJournalPath: creditJournalPath(rest),
          simulatedBinding: kiosk.binding,
        }),
    }),
    ...(fileConfig !== null && {
      devices: (onEvent) =>
        createDeviceService({
          config: fileConfig,
          logger: log.child({ component: 'devices' }),
          onEvent,
          creditJournalPath: creditJournalPath(rest),
        }),
    }),
    ...rest,
    storeKey: rest.storeKey ?? harnessKeySource(process.env, harnessKeyFile(rest)),
    logger: log,
  });
  // A new database has no facility configuration yet.
  const isNew = backend.store.identity.facility(rest.facilityId ?? DEMO_FACILITY_ID) === undefined;
  if (seed === 'demo' || (seed === 'auto' && isNew)) await seedDemo(backend.store);

  const app = Fastify({ loggerInstance: log.child({ component: 'harness' }) });
  // ws closes anything far beyond the limit; up to twice the limit we answer with a typed error.
  await app.register(fastifyWebsocket, { options: { maxPayload: 2 * MAX_FRAME_BYTES } });
  app.get(
    HARNESS_WS_PATH,
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (!isOwnOrigin(request.headers.origin, request.headers.host)) {
          return reply.code(403).send({ error: 'cross-origin WebSocket refused' });
        }
      },
    },
    (socket) => {
      const send = (frame: ResultFrame | EventFrame) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
      };
      const connection = backend.connect((event, payload) =>
        send({ type: 'event', event, payload }),
      );
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        const frame = parseFrame(data, isBinary);
        if (!frame.ok) return send(frame.frame);
        void connection
          .invoke(frame.method, frame.input)
          .then((result) => send({ type: 'result', id: frame.id, result }));
      });
      socket.on('close', () => connection.close());
    },
  );
  if (existsSync(join(rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: rendererDir });
    // A single-page app: unknown paths get the shell page.
    app.setNotFoundHandler((_request, reply) => reply.sendFile('index.html'));
  }
  await app.listen({ host: HOST, port });
  const panel = kiosk ? await startPanel(kiosk.controls, () => ({ inProcess: true })) : null;
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${HOST}:${actualPort}`,
    backend,
    simulator: kiosk?.controls ?? null,
    simulatorPanel: panel?.url ?? null,
    async close() {
      await panel?.server.close();
      await app.close();
      await backend.close();
    },
  };
}
