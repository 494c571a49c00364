import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, describe, expect, it } from 'vitest';
import afterPack, { homelineFuses, packedElectronPath } from './fuses';

/**
 * A stand-in binary holding a real fuse wire in Electron's format (sentinel, version 1, length,
 * one byte per fuse: '0' off, '1' on), so the real @electron/fuses flips it.
 */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const dir = mkdtempSync(join(tmpdir(), 'homeline-fuses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeElectron(name: string): string {
  const file = join(dir, name);
  const wire = Buffer.concat([
    Buffer.from('\x7fELF...code before the wire...'),
    Buffer.from(SENTINEL),
    Buffer.from([1, 9]),
    Buffer.from('110101101'),
    Buffer.from('...code after the wire'),
  ]);
  writeFileSync(file, wire);
  return file;
}

describe('fuses', () => {
  it('the afterPack hook flips the packed Linux binary', async () => {
    const binary = fakeElectron('homeline');
    await afterPack({
      appOutDir: dir,
      electronPlatformName: 'linux',
      packager: { appInfo: { productFilename: 'Homeline' }, executableName: 'homeline' },
    });
    const wire = await getCurrentFuseWire(binary);
    const on = 49;
    const off = 48;
    expect(wire[FuseV1Options.RunAsNode]).toBe(off);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(on);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(off);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(off);
    // A fuse this library does not know (index 8) is left as Electron shipped it.
    expect(readFileSync(binary).toString('latin1')).toContain(`${SENTINEL}\x01\x09010001001`);
  });

  it('asks for ASAR integrity only where Electron supports it', () => {
    expect(homelineFuses('win32')[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(homelineFuses('darwin')[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(homelineFuses('linux')[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(false);
  });

  it('finds the binary electron-builder packed on each platform', () => {
    const packager = { appInfo: { productFilename: 'Homeline' }, executableName: 'homeline' };
    expect(packedElectronPath({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe(
      '/o/Homeline.exe',
    );
    expect(packedElectronPath({ appOutDir: '/o', electronPlatformName: 'darwin', packager })).toBe(
      '/o/Homeline.app',
    );
    expect(packedElectronPath({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe(
      '/o/homeline',
    );
  });
});
