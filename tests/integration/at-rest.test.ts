import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../electron/backend/testing/temp-dir';
import type { ProcessorSimulatorProcess } from '../../sync/server/money/processor-process';
import type { CentralFixture } from './support/central';
import { centralWithProcessorForFile } from './support/central';
import { SyncedDevice } from './support/device';

/**
 * A stolen kiosk: after a demo-like run (enrolled, synced with the real central service, a
 * resident signed in, mail received and sent, stamps bought with a swiped card), the raw bytes
 * of every file in the data folder hold none of the values an attacker wants.
 */
let central: CentralFixture;
let processor: ProcessorSimulatorProcess;
centralWithProcessorForFile((started, simulator) => {
  central = started;
  processor = simulator;
});

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Each secret value found in any file of `folder`, with the file. */
function leaks(folder: string, secrets: Map<string, Buffer>): string[] {
  const found: string[] = [];
  for (const file of filesUnder(folder)) {
    const bytes = readFileSync(file);
    for (const [label, secret] of secrets)
      if (bytes.includes(secret)) found.push(`${label} in ${file}`);
  }
  return found;
}

/** What the device knows, read through its own open store: the values the scan looks for. */
function secretsOf(device: SyncedDevice): Map<string, Buffer> {
  const db = device.store.db;
  const secrets = new Map<string, Buffer>();
  const add = (label: string, value: string | Buffer | null | undefined) => {
    if (value !== null && value !== undefined && value.length >= 4)
      secrets.set(`${label}: ${String(value).slice(0, 12)}`, Buffer.from(value));
  };
  const texts = db
    .prepare<[], { subject: string; body: string }>('SELECT subject, body FROM messages')
    .all();
  for (const message of texts) {
    add('subject', message.subject);
    add('body', message.body);
  }
  const people = db
    .prepare<[], { first_name: string; last_name: string; badge_hash: string | null }>(
      'SELECT first_name, last_name, badge_hash FROM residents',
    )
    .all();
  for (const person of people) {
    add('first name', person.first_name);
    add('last name', person.last_name);
    add('badge hash', person.badge_hash);
  }
  const pins = db
    .prepare<[], { hash: string; salt: string }>(
      'SELECT pin_hash AS hash, pin_salt AS salt FROM resident_credentials',
    )
    .all();
  for (const pin of pins) {
    add('PIN hash', pin.hash);
    add('PIN hash bytes', Buffer.from(pin.hash, 'base64url'));
  }
  for (const row of db
    .prepare<[], { card_token: string }>(
      'SELECT card_token FROM stamp_purchases WHERE card_token IS NOT NULL',
    )
    .all())
    add('card token', row.card_token);
  const credentials = db
    .prepare<[], { private_key: string }>('SELECT private_key FROM sync_credentials')
    .get();
  if (credentials) {
    add('private key (stored form)', credentials.private_key);
    const der = Buffer.from(credentials.private_key, 'base64');
    add('private key (DER)', der);
    const seed = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
      format: 'jwk',
    }).d;
    add('private key (raw seed)', Buffer.from(seed!, 'base64url'));
  }
  return secrets;
}

describe('a kiosk data folder after a demo-like run', () => {
  it('holds no message text, name, PIN hash, badge code, card token or private key', async () => {
    const residentId = await central.central.resident(
      {
        docNumber: 'S880001',
        firstName: 'Esperanza',
        lastName: 'Villalobos',
        badgeId: 'BADGE-880001',
      },
      { stamps: 10 },
    );
    const customerId = await central.customerFor(residentId, 'Maria Quintanilla');
    await central.mailFrom(customerId, residentId, 3);
    const kiosk = await SyncedDevice.enroll(central.url, await central.enrollment(), {
      hardware: true,
      processor: { url: processor.url, publishableKey: processor.keys.publishableKey },
    });
    try {
      await kiosk.sync.syncNow();
      await kiosk.login('S880001');
      await kiosk.sendMail(customerId, 'Mamá, the parole hearing is on Tuesday at nine');
      const card = await kiosk.swipeCard({ card: 'visa', name: 'VILLALOBOS/ESPERANZA' });
      await kiosk.call('stamps.purchase', {
        bundleId: 'bundle-5',
        payment: { kind: 'card', card },
      });
      expect(await kiosk.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });

      const secrets = secretsOf(kiosk);
      const labels = [...secrets.keys()].map((label) => label.split(':')[0]);
      for (const kind of [
        'subject',
        'body',
        'last name',
        'badge hash',
        'PIN hash',
        'card token',
        'private key (DER)',
      ])
        expect(labels).toContain(kind);

      // The scan itself finds what is there: the same values written plain are all found.
      const control = tempDir();
      try {
        writeFileSync(join(control.path, 'plain'), Buffer.concat([...secrets.values()]));
        expect(leaks(control.path, secrets)).toHaveLength(secrets.size);
      } finally {
        control.cleanup();
      }

      // While the device runs (database, WAL and journals open) and after it stopped.
      expect(leaks(kiosk.dir, secrets)).toEqual([]);
      await kiosk.backend.close();
      expect(leaks(kiosk.dir, secrets)).toEqual([]);
    } finally {
      await kiosk.close();
    }
  });
});
