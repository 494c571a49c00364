import type { DriverContext, DriverSpec } from '../../hal';
import {
  PRESENCE_CHECK_MS,
  SerialLink,
  linkTarget,
  type ByteLink,
  type LinkHandlers,
  type LinkTarget,
} from '../serial/link';
import { TcpLink, type TcpTarget } from './tcp-link';
import { UsbPrinterLink, type UsbPrinterTarget } from './usb-printer-link';

/** Where a printer is: a serial port (or the simulator), a USB printer-class device, or TCP. */
export type ByteLinkTarget = LinkTarget | UsbPrinterTarget | TcpTarget;

const TCP_CONNECT_TIMEOUT_MS = 3000;

/** The target of a printer's configured port, of any kind the configuration allows. */
export function printerLinkTarget(spec: DriverSpec, context: DriverContext): ByteLinkTarget {
  const port = spec.port;
  if (port.kind === 'usb-printer') {
    return { kind: 'usb-printer', path: port.path, presenceCheckMs: PRESENCE_CHECK_MS };
  }
  if (port.kind === 'tcp') {
    return {
      kind: 'tcp',
      host: port.host,
      port: port.port,
      connectTimeoutMs: TCP_CONNECT_TIMEOUT_MS,
    };
  }
  return linkTarget(spec, context);
}

export function createByteLink(target: ByteLinkTarget, handlers: LinkHandlers): ByteLink {
  switch (target.kind) {
    case 'usb-printer':
      return new UsbPrinterLink(target, handlers);
    case 'tcp':
      return new TcpLink(target, handlers);
    case 'serial':
    case 'simulated':
    case undefined: // a target without a kind is a serial line
      return new SerialLink(target, handlers);
  }
}

/** Wire time of `bytes` on the link: serial lines pace them; USB and TCP are far faster. */
export function wireMs(target: ByteLinkTarget, bytes: number): number {
  if (target.kind === 'usb-printer' || target.kind === 'tcp') return 0;
  return (bytes * 10_000) / target.baudRate;
}
