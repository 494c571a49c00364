import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { runProgram } from '../../../cli/main';
import { updateFeedPlugin } from './plugin';
import {
  PublishError,
  generateSigningKeys,
  publishRelease,
  setHalted,
  setRollout,
} from './publish';

/** Release managers' tool for the update feed (docs/shell.md, "Publishing a release"). */
const USAGE = `npx tsx sync/server/updates/cli.ts COMMAND [options]

  keygen --out DIR        writes update-signing.key (keep it offline) and update-signing.pub
  publish --releases DIR --channel stable --platform linux --version 1.4.2 --staging 10
          --key update-signing.key release/*.deb release/*.AppImage
  rollout --releases DIR --channel C --platform P --version V --staging 50 --key FILE
          [--valid-days 30]
  halt|resume --releases DIR --channel C --platform P --version V --key FILE [--reason TEXT]
  serve --releases DIR --public-key update-signing.pub [--port 8090] [--host 127.0.0.1]
          the feed alone (staging, tests); in production the central service serves it

Every publish, rollout and halt signs with a new sequence number for the channel and an expiry
(--valid-days, default 30): run rollout with the same percentage to renew a manifest.`;

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (!value) throw new PublishError(`--${name} is required`);
  return value;
}

function staging(values: Record<string, string | undefined>): number {
  const raw = required(values, 'staging');
  if (!/^\d{1,3}$/.test(raw)) throw new PublishError(`--staging ${raw}: a whole number 0..100`);
  return Number(raw);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      releases: { type: 'string' },
      channel: { type: 'string', default: 'stable' },
      platform: { type: 'string' },
      version: { type: 'string' },
      staging: { type: 'string' },
      key: { type: 'string' },
      'public-key': { type: 'string' },
      reason: { type: 'string', default: '' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8090' },
      'valid-days': { type: 'string' },
    },
  });
  const target = () => ({
    releasesDir: required(values, 'releases'),
    channel: required(values, 'channel'),
    platform: required(values, 'platform'),
    version: required(values, 'version'),
  });
  const signing = () => {
    const days = values['valid-days'];
    if (days !== undefined && !/^\d{1,3}$/.test(days))
      throw new PublishError(`--valid-days ${days}: a whole number of days`);
    return {
      privateKey: readFileSync(required(values, 'key'), 'utf8'),
      ...(days !== undefined && { validDays: Number(days) }),
    };
  };

  switch (command) {
    case 'keygen': {
      const out = required(values, 'out');
      const keys = generateSigningKeys();
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'update-signing.key'), keys.privateKeyPem, { mode: 0o600 });
      writeFileSync(join(out, 'update-signing.pub'), keys.publicKeyPem);
      console.log(`wrote ${join(out, 'update-signing.key')} (keep offline) and update-signing.pub`);
      return;
    }
    case 'publish': {
      const manifest = await publishRelease({
        ...target(),
        artifacts: positionals,
        stagingPercentage: staging(values),
        ...signing(),
      });
      console.log(JSON.stringify(manifest, null, 2));
      return;
    }
    case 'rollout': {
      const manifest = await setRollout({
        ...target(),
        stagingPercentage: staging(values),
        ...signing(),
      });
      console.log(`${manifest.version}: rollout ${manifest.stagingPercentage}%`);
      return;
    }
    case 'halt':
    case 'resume':
      await setHalted({ ...target(), ...signing() }, command === 'halt', values.reason);
      console.log(`${values.version}: ${command === 'halt' ? 'halted' : 'resumed'}`);
      return;
    case 'serve': {
      const app = Fastify({ logger: { level: 'warn' } });
      await app.register(updateFeedPlugin, {
        prefix: '/updates',
        releasesDir: required(values, 'releases'),
        publicKey: readFileSync(required(values, 'public-key'), 'utf8'),
      });
      const address = await app.listen({ host: values.host, port: Number(values.port) });
      console.log(`update feed listening on ${address}/updates/`);
      return;
    }
    default:
      throw new PublishError(
        `unknown command "${command ?? ''}": keygen, publish, rollout, halt, resume or serve`,
      );
  }
}

runProgram(
  {
    name: 'updates',
    usage: USAGE,
    isUsageError: (error) => error instanceof PublishError,
  },
  main,
);
