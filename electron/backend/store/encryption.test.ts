import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import { openDatabase } from './database';
import { prepareDataDir } from './data-dir';
import { StoreOpenError } from './errors';
import { envKeySource, fixedKeySource, keyFileSource } from './keys';
import { createStore, openStore } from './store';

const SECRET_SUBJECT = 'Zanzibar-subject-7731';
const SECRET_BODY = 'Quetzalcoatl body text 4409';
const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

let dir: ReturnType<typeof tempDir>;
let path: string;
beforeEach(() => {
  dir = tempDir();
  path = join(dir.path, 'device.db');
});
afterEach(() => dir.cleanup());

function writeMessage(store: ReturnType<typeof createStore>): void {
  const at = '2026-12-01T12:00:00.000Z';
  store.residents.upsert({
    id: 'r1',
    facilityId: 'f',
    state: 'FL',
    docNumber: 'S1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    tabletSerial: null,
    housingUnitId: null,
    badgeHash: null,
    sourceScope: null,
    updatedAt: at,
  });
  store.contacts.upsert(
    {
      id: 'c1',
      residentId: 'r1',
      customerId: 'u1',
      displayName: 'C',
      email: 'c@example.com',
      blocked: false,
    },
    at,
  );
  store.mail.insert({
    id: 'm1',
    residentId: 'r1',
    contactId: 'c1',
    direction: 'inbound',
    status: 'delivered',
    subject: SECRET_SUBJECT,
    body: SECRET_BODY,
    replyToId: null,
    stampCost: 1,
    prepaidReplyStamps: 0,
    ecard: false,
    readAt: null,
    statusReason: null,
    sortAt: at,
    sentAt: at,
    updatedAt: at,
  });
}

/** Every file SQLite left for the database (main, WAL, shared memory), as raw bytes. */
function rawFiles(): Buffer[] {
  return ['', '-wal', '-shm']
    .map((suffix) => `${path}${suffix}`)
    .filter(existsSync)
    .map((file) => readFileSync(file));
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('the encrypted store', () => {
  it('keeps the main file and the WAL unreadable, 0600, while open and after close', () => {
    const store = openStore(path, keyFileSource(join(dir.path, 'keys', 'store.key')));
    writeMessage(store);
    expect(existsSync(`${path}-wal`)).toBe(true);
    for (const suffix of ['', '-wal', '-shm'])
      expect(statSync(`${path}${suffix}`).mode & 0o777).toBe(0o600);
    for (const bytes of rawFiles()) {
      expect(bytes.includes(SECRET_SUBJECT)).toBe(false);
      expect(bytes.includes(SECRET_BODY)).toBe(false);
      expect(bytes.includes('Lovelace')).toBe(false);
    }
    store.close();
    expect(readFileSync(path).subarray(0, 16).equals(PLAIN_HEADER)).toBe(false);
    for (const bytes of rawFiles()) expect(bytes.includes(SECRET_BODY)).toBe(false);
    expect(statSync(join(dir.path, 'keys')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir.path, 'keys', 'store.key')).mode & 0o777).toBe(0o600);
  });

  it('encrypts a plain database of an earlier release once, in place, keeping every row', () => {
    const plain = createStore(openDatabase(path));
    writeMessage(plain);
    plain.close();
    expect(readFileSync(path).includes(SECRET_BODY)).toBe(true);

    const key = keyFileSource(join(dir.path, 'store.key'));
    const store = openStore(path, key);
    expect(store.mail.search('r1', '"quetzalcoatl"*', 10).map((m) => m.id)).toEqual(['m1']);
    store.close();
    for (const bytes of rawFiles()) expect(bytes.includes(SECRET_BODY)).toBe(false);
    expect(existsSync(`${path}.encrypting`)).toBe(false);
    // The second start finds it encrypted and opens it with the same key.
    const again = openStore(path, key);
    expect(again.mail.byId('m1')?.subject).toBe(SECRET_SUBJECT);
    again.close();
  });

  it('removes a half-made encrypted copy a crash left behind and starts from the original', () => {
    const plain = createStore(openDatabase(path));
    writeMessage(plain);
    plain.close();
    writeFileSync(`${path}.encrypting`, 'partial copy of the plain file');
    const store = openStore(path, keyFileSource(join(dir.path, 'store.key')));
    expect(store.mail.search('r1', '"quetzalcoatl"*', 10)[0]?.id).toBe('m1');
    store.close();
    expect(existsSync(`${path}.encrypting`)).toBe(false);
  });

  it('refuses a missing key with a bilingual error and never makes a new database over the old', () => {
    const store = openStore(path, fixedKeySource(randomBytes(32)));
    writeMessage(store);
    store.close();
    const before = digest(path);
    const missing = keyFileSource(join(dir.path, 'no-such.key'));
    const error = (() => {
      try {
        openStore(path, missing);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).code).toBe('store_key_missing');
    expect((error as StoreOpenError).text.en).toMatch(/key was not found/);
    expect((error as StoreOpenError).text.es).toMatch(/no se encontró su clave/);
    expect(digest(path)).toBe(before);
    expect(existsSync(join(dir.path, 'no-such.key'))).toBe(false);
  });

  it('refuses a wrong key and leaves the file byte for byte as it was', () => {
    const store = openStore(path, fixedKeySource(randomBytes(32)));
    writeMessage(store);
    store.close();
    const before = digest(path);
    expect(() => openStore(path, fixedKeySource(randomBytes(32)))).toThrow(
      expect.objectContaining({ code: 'store_key_wrong' }),
    );
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe('store key sources', () => {
  it('refuses a key file others may read, and a key of the wrong length', () => {
    const file = join(dir.path, 'store.key');
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    chmodSync(file, 0o644);
    expect(() => keyFileSource(file).load()).toThrow(
      expect.objectContaining({ code: 'store_key_exposed' }),
    );
    chmodSync(file, 0o600);
    writeFileSync(file, randomBytes(16).toString('base64url'));
    expect(() => keyFileSource(file).load()).toThrow(
      expect.objectContaining({ code: 'store_key_invalid' }),
    );
  });

  it('reads the key from an environment variable and cannot make one', () => {
    const key = randomBytes(32);
    const env = { HOMELINE_STORE_KEY: key.toString('base64url') };
    expect(envKeySource(env, 'HOMELINE_STORE_KEY').load()?.equals(key)).toBe(true);
    expect(envKeySource({}, 'HOMELINE_STORE_KEY').load()).toBeNull();
    expect(() => envKeySource({}, 'HOMELINE_STORE_KEY').create()).toThrow(
      expect.objectContaining({ code: 'store_key_missing' }),
    );
  });
});

describe('the data folder', () => {
  it('is made 0700 and proved writable at start', () => {
    const data = join(dir.path, 'data');
    prepareDataDir(data);
    expect(statSync(data).mode & 0o777).toBe(0o700);
  });

  it('says at start, in both languages, when it cannot be written', () => {
    const blocker = join(dir.path, 'file');
    writeFileSync(blocker, '');
    const error = (() => {
      try {
        prepareDataDir(join(blocker, 'data'));
      } catch (caught) {
        return caught as StoreOpenError;
      }
      return null;
    })();
    expect(error?.code).toBe('store_not_writable');
    expect(error?.text.en).toMatch(/cannot be written \(ENOTDIR\)/);
    expect(error?.text.es).toMatch(/No se puede escribir/);
  });
});
