/**
 * Command-line switches a packaged kiosk accepts: deny by default. Chromium and Electron read
 * hundreds of switches, and many open the kiosk up: remote debugging, V8 flags, `--no-sandbox`,
 * `--gpu-launcher` or `--renderer-cmd-prefix` (which run any program), web security, certificate
 * checks, proxies, extensions. A list of bad ones always misses the next one; the app itself
 * needs none, so a packaged app outside development refuses to start with any switch but these.
 */
const ALLOWED_SWITCHES = new Set([
  // electron-builder's NSIS installer starts the app with it after an update.
  'updated',
]);

/** macOS passes `-psn_<process serial number>` to apps opened from the Finder on old releases. */
const MAC_PROCESS_SERIAL = /^psn_\d+_\d+$/;

/**
 * The switches in `argv` (after the executable) that are not on the allowlist, as written.
 * Chromium reads `--name`, `--name=value` and `-name` everywhere, and `/name` on Windows; names
 * are compared lower-cased. Parsing stops at `--`, as Chromium's does.
 */
export function forbiddenSwitches(argv: readonly string[], platform: NodeJS.Platform): string[] {
  const found: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg === '--') break;
    const prefix = arg.startsWith('--')
      ? 2
      : arg.startsWith('-') || (platform === 'win32' && arg.startsWith('/'))
        ? 1
        : 0;
    if (prefix === 0) continue; // an ordinary argument, which the app ignores
    // split always yields at least one piece
    const name = arg.slice(prefix).split('=', 1)[0]!.toLowerCase();
    if (ALLOWED_SWITCHES.has(name)) continue;
    if (platform === 'darwin' && MAC_PROCESS_SERIAL.test(name)) continue;
    found.push(arg);
  }
  return found;
}
