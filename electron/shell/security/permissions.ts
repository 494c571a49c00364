/**
 * Permission answers for the window's session: the renderer never gets camera, microphone,
 * notifications, serial, HID, geolocation, clipboard-read, fullscreen requests or anything else.
 * Devices are reached only through the backend. Logged so a denied feature is explained.
 */
export type PermissionLog = (permission: string, origin: string) => void;

export function denyPermissionRequest(log: PermissionLog) {
  return (
    _webContents: unknown,
    permission: string,
    callback: (granted: boolean) => void,
    details?: { requestingUrl?: string },
  ): void => {
    log(permission, details?.requestingUrl ?? 'unknown');
    callback(false);
  };
}

export function denyPermissionCheck(): boolean {
  return false;
}

/** Device chooser handlers (serial, HID, USB, Bluetooth): always decline. */
export function denyDevicePermission(): boolean {
  return false;
}
