import { join } from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses, type FuseConfig } from '@electron/fuses';

/**
 * Electron fuses flipped in the packaged binary (docs/security.md): no running as plain Node, no
 * NODE_OPTIONS or --inspect, the app only from its asar, cookies encrypted, file:// without
 * extra privileges. ASAR integrity exists on macOS and Windows only; on Linux the package
 * signature and a read-only root filesystem take its place (docs/install.md).
 */
export function homelineFuses(platform: string): FuseConfig {
  const integrity = platform === 'darwin' || platform === 'win32';
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: platform === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: integrity,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** The part of electron-builder's AfterPackContext the hook reads. */
export interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

/** Path of the Electron binary (or .app bundle) electron-builder just packed. */
export function packedElectronPath(context: AfterPackContext): string {
  const { appOutDir, electronPlatformName, packager } = context;
  const product = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${product}.app`);
    case 'win32':
      return join(appOutDir, `${product}.exe`);
    default:
      return join(appOutDir, packager.executableName ?? product.toLowerCase());
  }
}

/** electron-builder afterPack hook (bundled to dist/build/after-pack.cjs by scripts/dist.ts). */
export default async function afterPack(context: AfterPackContext): Promise<void> {
  const electronPath = packedElectronPath(context);
  const flipped = await flipFuses(electronPath, homelineFuses(context.electronPlatformName));
  console.warn(`homeline afterPack: fuses flipped in ${electronPath} (${flipped} wire(s))`);
}
