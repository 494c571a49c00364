import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer,
  request,
  type ClientRequest,
  type RequestOptions,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  HttpExecutor,
  configureRequestOptions,
  configureRequestUrl,
  type DownloadOptions,
} from 'builder-util-runtime';
import { DebUpdater, type UpdateInfo } from 'electron-updater';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpdateController, type UpdateController } from './controller';
import { hardenUpdater } from './harden';
import { installBlockers, type DeviceActivity } from './idle';
import { fileSequenceMemory } from './sequence';

/**
 * electron-updater's real DebUpdater, in plain Node, against the real update feed
 * (sync/server/updates, started through its CLI on 127.0.0.1) and against a hostile server that
 * serves tampered manifests. Only Electron's app and net modules are replaced: by an app adapter
 * and a Node HTTP executor.
 */

const CLI = resolve('sync/server/updates/cli.ts');
let dir: string;
let feed: ChildProcess;
let feedUrl: string;
let publicKeyFile: string;

/** What Electron's net-based executor does, over node:http (same base class, same checks). */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolveDownload, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          responseHandler: null,
          callback: (error) => (error ? reject(error) : resolveDownload(destination)),
        },
        0,
      );
    });
  }

  createRequest(options: RequestOptions, callback: (response: unknown) => void): ClientRequest {
    return request(options, callback);
  }
}

function cli(...args: string[]): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cli ${args[0]} failed: ${run.stderr}`);
  return run.stdout;
}

function publish(channel: string, version: string, staging: number): void {
  const artifact = join(dir, `homeline_${version}_amd64.deb`);
  writeFileSync(artifact, randomBytes(32 * 1024));
  cli(
    'publish',
    ...['--releases', join(dir, 'releases'), '--channel', channel, '--platform', 'linux'],
    ...[
      '--version',
      version,
      '--staging',
      String(staging),
      '--key',
      join(dir, 'update-signing.key'),
    ],
    artifact,
  );
}

function startFeed(): Promise<string> {
  feed = spawn(process.execPath, [
    ...['--import', 'tsx', CLI, 'serve', '--releases', join(dir, 'releases')],
    ...['--public-key', publicKeyFile, '--port', '0'],
  ]);
  return new Promise((resolveUrl, reject) => {
    let out = '';
    feed.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolveUrl(match[1]!);
    });
    feed.on('exit', (code) => reject(new Error(`feed exited with ${code}`)));
  });
}

interface Outcome {
  available: boolean;
  rejected: string[];
  downloaded: string[];
}

/**
 * Who the device is across checks: the file holding the highest manifest sequence it accepted
 * (a fresh one per check unless given), and its clock.
 */
interface DeviceMemory {
  sequences?: string;
  now?: () => Date;
}

/** One device on version `current`, hardened, pointed at `url` on `channel`. */
function device(url: string, channel: string, current = '1.0.0', memory: DeviceMemory = {}) {
  const home = mkdtempSync(join(dir, 'device-'));
  const updateConfig = join(home, 'app-update.yml');
  writeFileSync(
    updateConfig,
    `provider: generic\nurl: ${url}\nupdaterCacheDirName: homeline-updater\n`,
  );
  const updater = new DebUpdater(null, {
    version: current,
    name: 'homeline',
    isPackaged: true,
    appUpdateConfigPath: updateConfig,
    userDataPath: home,
    baseCachePath: join(home, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  });
  // Electron's net module is absent in Node; electron-updater uses whatever executor is set here.
  (updater as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor =
    new NodeHttpExecutor();
  updater.logger = null;
  const rejected: string[] = [];
  hardenUpdater(updater, {
    feedUrl: url,
    channel,
    publicKey: createPublicKey(readFileSync(publicKeyFile, 'utf8')),
    onRejected: (reason) => rejected.push(reason),
    sequences: fileSequenceMemory(memory.sequences ?? join(home, 'update-sequence.json')),
    now: memory.now,
  });
  return { updater, rejected };
}

async function check(
  url: string,
  channel: string,
  current = '1.0.0',
  memory: DeviceMemory = {},
): Promise<Outcome> {
  const { updater, rejected } = device(url, channel, current, memory);
  expect(updater.allowDowngrade).toBe(false);
  const result = await updater.checkForUpdates();
  const downloaded = (await result?.downloadPromise) ?? [];
  return { available: result?.isUpdateAvailable ?? false, rejected, downloaded };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'homeline-updater-'));
  cli('keygen', '--out', dir);
  publicKeyFile = join(dir, 'update-signing.pub');
  publish('stable', '1.1.0', 100);
  publish('old', '0.9.0', 100);
  publish('dark', '1.2.0', 0);
  feedUrl = await startFeed();
}, 60_000);

afterAll(() => {
  feed?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('DebUpdater hardened against the real feed', () => {
  it('sees the newer signed release and downloads it, checking its sha512', async () => {
    const outcome = await check(feedUrl, 'stable');
    expect(outcome).toMatchObject({ available: true, rejected: [] });
    expect(outcome.downloaded).toHaveLength(1);
    expect(outcome.downloaded[0]).toMatch(/homeline_1\.1\.0_amd64\.deb$/);
    expect(existsSync(outcome.downloaded[0]!)).toBe(true);
  });

  it('never downgrades, even though setting the channel allows it by default', async () => {
    expect(await check(feedUrl, 'old')).toMatchObject({ available: false, rejected: [] });
  });

  it('does not update a device outside a 0% rollout', async () => {
    expect(await check(feedUrl, 'dark')).toMatchObject({ available: false, rejected: [] });
  });

  it('installs a downloaded update only once the device is idle', async () => {
    const { updater } = device(feedUrl, 'stable');
    const busy: DeviceActivity = {
      sessionOpen: true,
      paymentInProgress: false,
      printInProgress: false,
      outboxPending: 2,
    };
    const answers: (DeviceActivity | null)[] = [busy, null, { ...busy, sessionOpen: false }];
    const idle: DeviceActivity = { ...busy, sessionOpen: false, outboxPending: 0 };
    const asked: string[][] = [];
    let controller: UpdateController | undefined;
    const installed = new Promise<number>((done) => {
      controller = startUpdateController({
        updater,
        checkIntervalMs: 3_600_000,
        idlePollMs: 5,
        readActivity: async () => {
          const activity = answers.length > 0 ? answers.shift()! : idle;
          asked.push(installBlockers(activity));
          return activity;
        },
        install: () => done(asked.length),
        log: { info: () => undefined, warn: () => undefined },
      });
    });
    expect(await installed).toBe(4);
    controller!.stop();
    expect(asked).toEqual([
      ['a session is open', 'the outbox is not flushed'],
      ['device activity unknown'],
      ['the outbox is not flushed'],
      [],
    ]);
  });
});

describe('DebUpdater hardened against a hostile server', () => {
  let hostile: Server;
  let hostileUrl: string;
  let served = '';
  const requested: string[] = [];

  beforeAll(async () => {
    hostile = createServer((req, res) => {
      requested.push(new URL(req.url!, 'http://x').pathname);
      if (req.url!.includes('.yml')) res.end(served);
      else res.end(randomBytes(32 * 1024));
    });
    await new Promise<void>((ready) => hostile.listen(0, '127.0.0.1', ready));
    hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/updates/`;
  });
  afterAll(() => new Promise((done) => hostile.close(done)));

  const genuine = (): UpdateInfo & Record<string, unknown> =>
    JSON.parse(
      readFileSync(join(dir, 'releases/stable/linux/1.1.0/manifest.json'), 'utf8'),
    ) as UpdateInfo & Record<string, unknown>;

  async function refusedWith(
    manifest: unknown,
    reason: RegExp,
    channel = 'stable',
    memory: DeviceMemory = {},
  ): Promise<void> {
    served = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
    requested.length = 0;
    const outcome = await check(hostileUrl, channel, '1.0.0', memory);
    expect(outcome.available).toBe(false);
    expect(outcome.rejected.join('; ')).toMatch(reason);
    // Refused before any download: only the channel file was fetched.
    expect(requested.every((path) => path.endsWith('.yml'))).toBe(true);
  }

  it("refuses an unsigned manifest in electron-builder's YAML shape", async () => {
    const { homelineSignature: _signature, ...unsigned } = genuine();
    await refusedWith(
      `version: 1.1.0\nfiles:\n  - url: ${unsigned.files[0]!.url}\n    sha512: ${unsigned.files[0]!.sha512}\n    size: 32768\nstagingPercentage: 100\n`,
      /not signed/,
    );
  });

  it('refuses a manifest whose version, rollout or files were changed', async () => {
    await refusedWith({ ...genuine(), version: '9.0.0' }, /version differs/);
    await refusedWith({ ...genuine(), stagingPercentage: '100%' }, /stagingPercentage differs/);
    const files = genuine().files.map((file) => ({ ...file, sha512: `A${file.sha512.slice(1)}` }));
    await refusedWith({ ...genuine(), files }, /files differ/);
    await refusedWith(
      { ...genuine(), path: 'http://evil.example/x.deb' },
      /unsigned download fields/,
    );
  });

  it('refuses a manifest signed with another key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const manifest = genuine();
    const payload = manifest.homelineSignature as { payload: string };
    await refusedWith(
      {
        ...manifest,
        homelineSignature: {
          payload: payload.payload,
          signature: sign(null, Buffer.from(payload.payload), privateKey).toString('base64'),
        },
      },
      /signature does not verify/,
    );
  });

  it('refuses a correctly signed release whose files live on another host', async () => {
    const key = createPrivateKey(readFileSync(join(dir, 'update-signing.key'), 'utf8'));
    const freshness = JSON.parse(
      (genuine().homelineSignature as { payload: string }).payload,
    ) as Record<string, unknown>;
    const release = {
      version: '1.1.0',
      stagingPercentage: 100,
      files: genuine().files.map((file) => ({ ...file, url: `http://evil.example/${file.url}` })),
    };
    const payload = JSON.stringify({
      ...release,
      channel: freshness.channel,
      sequence: freshness.sequence,
      expiresAt: freshness.expiresAt,
    });
    await refusedWith(
      {
        ...release,
        homelineSignature: {
          payload,
          signature: sign(null, Buffer.from(payload), key).toString('base64'),
        },
      },
      /not on the update host/,
    );
  });

  const manifestOf = (channel: string, version: string) =>
    readFileSync(join(dir, 'releases', channel, 'linux', version, 'manifest.json'), 'utf8');
  const signingArgs = (channel: string, version: string) => [
    ...['--releases', join(dir, 'releases'), '--channel', channel, '--platform', 'linux'],
    ...['--version', version, '--key', join(dir, 'update-signing.key')],
  ];

  it('refuses a halted release replayed after the device saw the halt', async () => {
    publish('halting', '1.0.4', 100);
    publish('halting', '1.0.5', 100);
    const memory = { sequences: join(dir, 'halting-device.json') };
    const beforeHalt = manifestOf('halting', '1.0.5');
    expect(await check(feedUrl, 'halting', '1.0.0', memory)).toMatchObject({ available: true });
    cli('halt', ...signingArgs('halting', '1.0.5'), '--reason', 'boot loop');
    const afterHalt = await check(feedUrl, 'halting', '1.0.0', memory);
    expect(afterHalt).toMatchObject({ rejected: [] });
    expect(afterHalt.downloaded[0]).toMatch(/homeline_1\.0\.4_amd64\.deb$/);
    await refusedWith(beforeHalt, /replayed: sequence 2 is older than 4/, 'halting', memory);
  });

  it('refuses the wider rollout replayed after it was narrowed to 0 %', async () => {
    publish('narrowing', '1.3.0', 100);
    const memory = { sequences: join(dir, 'narrowing-device.json') };
    const wide = manifestOf('narrowing', '1.3.0');
    cli('rollout', ...signingArgs('narrowing', '1.3.0'), '--staging', '0');
    expect(await check(feedUrl, 'narrowing', '1.0.0', memory)).toMatchObject({
      available: false,
      rejected: [],
    });
    await refusedWith(wide, /replayed: sequence 1 is older than 2/, 'narrowing', memory);
  });

  it('refuses a beta release served on the stable channel', async () => {
    publish('beta', '2.0.0', 100);
    await refusedWith(manifestOf('beta', '2.0.0'), /signed for channel beta, not stable/);
  });

  it('refuses a genuine manifest past its expiry', async () => {
    const later = () => new Date(Date.now() + 31 * 86_400_000);
    await refusedWith(genuine(), /expired at/, 'stable', { now: later });
  });

  it('lets the download fail when the served file does not match the signed sha512', async () => {
    served = JSON.stringify(genuine());
    const outcome = check(hostileUrl, 'stable');
    await expect(outcome).rejects.toThrow(/sha512 checksum mismatch/);
  });

  it('the controller logs a failed download instead of leaving the rejection unhandled', async () => {
    served = JSON.stringify(genuine());
    const { updater } = device(hostileUrl, 'stable');
    let controller: UpdateController | undefined;
    const warned = new Promise<string>((done) => {
      controller = startUpdateController({
        updater,
        checkIntervalMs: 3_600_000,
        idlePollMs: 3_600_000,
        readActivity: async () => null,
        install: () => undefined,
        log: { info: () => undefined, warn: (_object, message) => done(message) },
      });
    });
    expect(await warned).toBe('update download failed');
    controller!.stop();
  });
});
