import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../backend/testing/temp-dir';
import type { SafeStorage } from './electron-api';
import { keystoreProblem, shellKeySource } from './store-key';

/**
 * Electron is not installed on build machines, so the OS keystore is stood in for by AES-256-GCM
 * under a key this process holds (what DPAPI or the Keychain do for the real safeStorage).
 */
function keystore(options: { available?: boolean; backend?: string } = {}): SafeStorage {
  const osKey = randomBytes(32);
  return {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString(text) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', osKey, iv);
      const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
    },
    decryptString(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', osKey, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString();
    },
  };
}

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, lines };
}

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

describe('the shell store key', () => {
  it('is sealed by the OS keystore in a 0600 file that holds no key bytes', () => {
    const safeStorage = keystore();
    const sealedFile = join(dir.path, 'profile', 'store-key.sealed');
    const { log } = recordingLogger();
    const options = {
      safeStorage,
      platform: 'linux' as const,
      sealedFile,
      storeKeyFile: undefined,
      log,
    };
    const source = shellKeySource(options);
    expect(source.load()).toBeNull();
    const key = source.create();
    expect(statSync(sealedFile).mode & 0o777).toBe(0o600);
    const sealed = readFileSync(sealedFile);
    expect(sealed.includes(key)).toBe(false);
    expect(sealed.includes(key.toString('base64url'))).toBe(false);
    expect(shellKeySource(options).load()?.equals(key)).toBe(true);
  });

  it("treats Linux's fixed-password fallback and a missing keystore as unavailable", () => {
    expect(keystoreProblem(keystore({ backend: 'basic_text' }), 'linux')).toMatch(/basic_text/);
    expect(keystoreProblem(keystore({ available: false }), 'win32')).toMatch(/no encryption/);
    expect(keystoreProblem(keystore({ backend: 'basic_text' }), 'darwin')).toBeNull();
  });

  it('refuses to start without a keystore, in both languages, unless IT set a key file', () => {
    const { log, lines } = recordingLogger();
    const base = {
      safeStorage: keystore({ backend: 'basic_text' }),
      platform: 'linux' as const,
      sealedFile: join(dir.path, 'store-key.sealed'),
      log,
    };
    expect(() => shellKeySource({ ...base, storeKeyFile: undefined })).toThrow(
      expect.objectContaining({
        code: 'keystore_unavailable',
        text: expect.objectContaining({ es: expect.stringMatching(/almacén de claves/) }),
      }),
    );
    const keyFile = join(dir.path, 'it', 'store.key');
    const source = shellKeySource({ ...base, storeKeyFile: keyFile });
    const key = source.create();
    expect(source.load()?.equals(key)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(lines).toContainEqual(
      expect.objectContaining({ alert: 'store_key_not_sealed', keyFile }),
    );
  });
});
