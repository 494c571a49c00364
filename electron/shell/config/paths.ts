import { posix, win32 } from 'node:path';

/** Where the configuration file and the data live on each OS (documented in docs/install.md). */
export interface ShellPaths {
  configFile: string;
  dataDir: string;
}

export function defaultPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): ShellPaths {
  if (platform === 'win32') {
    const programData = env.ProgramData ?? 'C:\\ProgramData';
    return {
      configFile: win32.join(programData, 'Homeline', 'config.json'),
      dataDir: win32.join(programData, 'Homeline', 'data'),
    };
  }
  if (platform === 'darwin') {
    const root = '/Library/Application Support/Homeline';
    return { configFile: posix.join(root, 'config.json'), dataDir: posix.join(root, 'data') };
  }
  return { configFile: '/etc/homeline/config.json', dataDir: '/var/lib/homeline' };
}
