/**
 * Command-line switches that would open the kiosk up: remote debugging (the fuses stop Node's
 * --inspect but not Chromium's debugging port), V8 flags, web security, certificate checks,
 * proxies and extensions. A packaged app outside development refuses to start with any of them, so a
 * changed shortcut or service file cannot quietly turn a kiosk into a debuggable browser.
 */
const FORBIDDEN_SWITCHES = new Set([
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'js-flags',
  'disable-web-security',
  'disable-site-isolation-trials',
  'allow-file-access-from-files',
  'ignore-certificate-errors',
  'proxy-server',
  'proxy-pac-url',
  'host-rules',
  'host-resolver-rules',
  'load-extension',
]);

/** The forbidden switches present in `argv` (Chromium reads `--name` and `--name=value`). */
export function forbiddenSwitches(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    const match = /^--?([a-z0-9-]+)(?:=|$)/i.exec(arg);
    const name = match?.[1]?.toLowerCase();
    if (name && FORBIDDEN_SWITCHES.has(name)) found.push(name);
  }
  return found;
}
