import type { DeviceService } from './ports';

/**
 * What the device is doing right now. The shell installs an update only when all of it is idle:
 * installing restarts the app, which would end a session, interrupt a card or cash payment or a
 * receipt, and could strand changes not yet sent to the central service.
 */
export interface DeviceActivity {
  sessionOpen: boolean;
  paymentInProgress: boolean;
  printInProgress: boolean;
  /** Local changes not yet accepted by the central service (outbox rows pending or sent). */
  outboxPending: number;
}

/** The device service with a count of print jobs handed to it and not finished yet. */
export function countingPrints(service: DeviceService): {
  service: DeviceService;
  printing(): boolean;
} {
  let inFlight = 0;
  // Every other method is the service's own, reached through the prototype (class or literal).
  const counted: DeviceService = Object.create(service) as DeviceService;
  counted.print = async (request) => {
    inFlight += 1;
    try {
      return await service.print(request);
    } finally {
      inFlight -= 1;
    }
  };
  return { service: counted, printing: () => inFlight > 0 };
}
