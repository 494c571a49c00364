import type { KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import semver from 'semver';
import {
  ARTIFACT_NAME_PATTERN,
  CHANNEL_PATTERN,
  PLATFORMS,
  artifactUrl,
  listReleases,
  readRelease,
  toPublicKey,
  type Platform,
} from './releases';

export interface UpdateFeedOptions {
  /** The folder publishRelease writes to (layout in releases.ts). */
  releasesDir: string;
  /** The release managers' Ed25519 public key (PEM or KeyObject); never the private key. */
  publicKey: string | KeyObject;
}

/**
 * `<channel>.yml` (Windows), `<channel>-linux.yml`, `<channel>-linux-arm64.yml`,
 * `<channel>-mac.yml`: the names electron-updater's generic provider asks for.
 */
const CHANNEL_FILE = /^([a-z0-9]{1,32})(?:-(linux(?:-arm64)?|mac))?\.yml$/;

export function parseChannelFile(file: string): { channel: string; platform: Platform } | null {
  const match = CHANNEL_FILE.exec(file);
  if (!match) return null;
  // group 1 is not optional: a match always holds it
  return { channel: match[1]!, platform: (match[2] ?? 'win') as Platform };
}

function notFound(reply: FastifyReply, message: string) {
  return reply.code(404).send({ error: 'not_found', message });
}

/**
 * The update feed for electron-updater's generic provider. Register it under a prefix, e.g.
 * `app.register(updateFeedPlugin, { prefix: '/updates', releasesDir, publicKey })`, and point
 * devices at `<central>/updates/`. It serves each channel's newest release that is not halted
 * and whose signature checks out, and that release's files. JSON is valid YAML, so the channel
 * file is the manifest as JSON.
 */
export const updateFeedPlugin: FastifyPluginAsync<UpdateFeedOptions> = async (app, options) => {
  const publicKey = toPublicKey(options.publicKey);
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new Error('updateFeedPlugin: publicKey must be an Ed25519 public key');
  }

  // Public: devices fetch updates before they can sign anything; every release is signed.
  const access = { config: { access: { kind: 'public' } } } as const;

  app.get<{ Params: { file: string } }>('/:file', access, async (request, reply) => {
    const target = parseChannelFile(request.params.file);
    if (!target) return notFound(reply, 'not a channel file');
    const releases = await listReleases(
      options.releasesDir,
      target.channel,
      target.platform,
      publicKey,
    );
    for (const entry of releases) {
      if (!entry.ok) request.log.error({ ...target, ...entry }, 'update feed: release refused');
    }
    // With every release halted, the newest one re-signed at 0 % by the halt (publish.ts): it
    // offers nothing, and carries the sequence that makes older manifests replays.
    const current =
      releases.find((entry) => entry.ok && !entry.release.halted) ??
      releases.find(
        (entry) =>
          entry.ok && entry.release.halted && entry.release.manifest.stagingPercentage === 0,
      );
    if (!current?.ok) return notFound(reply, `no release on ${request.params.file}`);
    return reply
      .header('cache-control', 'no-cache')
      .type('text/yaml; charset=utf-8')
      .send(JSON.stringify(current.release.manifest));
  });

  app.get<{ Params: { channel: string; platform: string; version: string; name: string } }>(
    '/files/:channel/:platform/:version/:name',
    access,
    async (request, reply) => {
      const { channel, platform, version, name } = request.params;
      if (
        !CHANNEL_PATTERN.test(channel) ||
        !(PLATFORMS as readonly string[]).includes(platform) ||
        semver.valid(version) !== version ||
        !ARTIFACT_NAME_PATTERN.test(name)
      ) {
        return notFound(reply, 'no such file');
      }
      const entry = await readRelease(
        options.releasesDir,
        channel,
        platform as Platform,
        version,
        publicKey,
      );
      if (!entry.ok || entry.release.halted) return notFound(reply, 'release not available');
      const url = artifactUrl(channel, platform as Platform, version, name);
      const file = entry.release.manifest.files.find((listed) => listed.url === url);
      if (!file) return notFound(reply, 'not part of this release');
      return reply
        .header('content-length', file.size)
        .type('application/octet-stream')
        .send(createReadStream(join(entry.release.dir, name)));
    },
  );
};
