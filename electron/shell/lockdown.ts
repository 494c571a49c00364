import type { ElectronEvent, Session, WebContents } from './electron-api';
import { denyWindowOpen, isAllowedNavigation, isAllowedRequest } from './security/navigation';
import {
  denyDevicePermission,
  denyPermissionCheck,
  denyPermissionRequest,
} from './security/permissions';
import { isEscapingShortcut } from './security/shortcuts';

export interface LockdownLog {
  warn(object: object, message: string): void;
}

/** Applied to every webContents the app creates (app 'web-contents-created'). */
export function lockDownContents(
  contents: WebContents,
  options: { development: boolean; platform: NodeJS.Platform; log: LockdownLog },
): void {
  const { log } = options;
  const refuseNavigation = (event: ElectronEvent, url: string) => {
    if (isAllowedNavigation(url)) return;
    event.preventDefault();
    log.warn({ url }, 'navigation refused');
  };
  contents.on('will-navigate', refuseNavigation);
  contents.on('will-redirect', refuseNavigation);
  contents.on('will-frame-navigate', (event) => refuseNavigation(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log.warn({ url }, 'window.open refused');
    return denyWindowOpen();
  });
  if (!options.development) {
    contents.on('before-input-event', (event, input) => {
      if (isEscapingShortcut(input, options.platform)) event.preventDefault();
    });
    contents.on('devtools-opened', () => contents.closeDevTools());
  }
}

/** Denies every permission and device chooser, clearing any handler set earlier. */
export function hardenSession(
  session: Session,
  options: { development: boolean; log: LockdownLog },
): void {
  const { log } = options;
  session.setPermissionRequestHandler(null);
  session.setPermissionCheckHandler(null);
  session.setDevicePermissionHandler(null);
  session.setPermissionRequestHandler(
    denyPermissionRequest((permission, origin) =>
      log.warn({ permission, origin }, 'permission denied'),
    ),
  );
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler(denyDevicePermission);
  // Device choosers: cancel with an empty choice (Web Serial/HID/USB are never used).
  session.on('select-serial-port', (event, ...args) => {
    event.preventDefault();
    (args[2] as (portId: string) => void)('');
  });
  session.on('select-hid-device', (event, ...args) => {
    event.preventDefault();
    (args[1] as () => void)();
  });
  session.on('select-usb-device', (event, ...args) => {
    event.preventDefault();
    (args[1] as () => void)();
  });
  session.on('will-download', (event) => event.preventDefault());
  session.webRequest.onBeforeRequest((details, callback) => {
    const cancel = !isAllowedRequest(details.url, options.development);
    if (cancel) log.warn({ url: details.url }, 'request blocked');
    callback({ cancel });
  });
}
