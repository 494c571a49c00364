import type { FastifyRequest } from 'fastify';
import { HEADERS, MIN_PROTOCOL_VERSION, compareAppVersions } from '../../protocol';
import { HttpError } from './errors';

/**
 * Every device request says which protocol, app and local schema it speaks. Too old a protocol
 * or app gets HTTP 426 "upgrade required" with the minimums, so the device can show it and
 * fetch an update instead of failing in odd ways.
 */
export function checkVersions(request: FastifyRequest, minAppVersion: string): void {
  const protocol = request.headers[HEADERS.protocol];
  const app = request.headers[HEADERS.app];
  if (typeof protocol !== 'string' || typeof app !== 'string' || !/^\d+\.\d+\.\d+$/.test(app)) {
    throw new HttpError(400, 'bad_request', `send ${HEADERS.protocol} and ${HEADERS.app} (x.y.z)`);
  }
  const tooOld =
    !(Number(protocol) >= MIN_PROTOCOL_VERSION) || compareAppVersions(app, minAppVersion) < 0;
  if (tooOld) {
    throw new HttpError(426, 'upgrade_required', 'this app is too old for the central service', {
      minProtocol: MIN_PROTOCOL_VERSION,
      minAppVersion,
    });
  }
}
