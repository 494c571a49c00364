import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StaffRole } from '../../../domain';
import { customerSession, type CustomerSession } from '../customers';
import {
  ALL_FACILITIES,
  staffBySession,
  type StaffGrant,
  type StaffSession,
} from '../staff-identity';
import type { Storage } from '../storage/types';
import type { Clock } from '../work';
import type { RouteAccess } from './access';
import { bearerToken } from './bearer';
import type {
  AuthenticatedDevice,
  DeviceAcceptance,
  createDeviceAuthenticator,
} from './device-auth';
import { HttpError } from './errors';
import { checkVersions } from './versions';
import { HEADERS } from '../../protocol';

/**
 * The one place that decides who may call a route. It reads the declaration of the route Fastify
 * matched (`request.routeOptions.config.access`), never the URL text, so percent-escapes, case,
 * doubled or trailing slashes cannot reach a route under another route's rule: either they match
 * the same route (and its rule) or none (404). A route without a declaration is refused.
 *
 * Customers and staff are authenticated before the body is read (their credentials are headers);
 * devices sign the body, so before it is read only their headers and enrollment are checked, and
 * the signature after (`preHandler`).
 */

export const STAFF_COOKIE = '__Host-homeline-staff';
export const CSRF_HEADER = 'x-homeline-csrf';

/** What a staff member may touch on the route being served: the facilities of its roles. */
export interface StaffActor extends StaffSession {
  /** Every facility (an IT grant on `*`), or the listed ones. */
  readonly facilities: '*' | readonly string[];
}

export function mayActIn(staff: StaffActor, facilityId: string): boolean {
  return staff.facilities === ALL_FACILITIES || staff.facilities.includes(facilityId);
}

/** Throws 404 (never telling that it exists elsewhere) unless `facilityId` is in scope. */
export function requireFacility(staff: StaffActor, facilityId: string, what: string): void {
  if (!mayActIn(staff, facilityId)) throw new HttpError(404, 'not_found', `no ${what} here`);
}

function scopeFor(
  grants: readonly StaffGrant[],
  roles: readonly StaffRole[],
): StaffActor['facilities'] {
  const matching = grants.filter((grant) => roles.includes(grant.role));
  if (matching.some((grant) => grant.facilityId === ALL_FACILITIES)) return ALL_FACILITIES;
  return [...new Set(matching.map((grant) => grant.facilityId))];
}

/**
 * Per-route checks run inside device authentication, before the anti-replay window moves
 * (see DeviceAcceptance): e.g. push refuses sequences far beyond the device's mark.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    acceptDevice?: (request: FastifyRequest, device: Parameters<DeviceAcceptance>[0]) => void;
  }
}

type Principal =
  | { kind: 'device'; device: AuthenticatedDevice }
  | { kind: 'customer'; session: CustomerSession & { token: string } }
  | { kind: 'staff'; staff: StaffActor };

const principals = new WeakMap<FastifyRequest, Principal>();

function principal<K extends Principal['kind']>(request: FastifyRequest, kind: K) {
  const found = principals.get(request);
  // Reaching this means a handler asked for a caller its route does not declare: a bug.
  if (found?.kind !== kind)
    throw new Error(`route ${request.routeOptions.url} has no ${kind} caller`);
  return found as Extract<Principal, { kind: K }>;
}

/** The signed, enrolled device calling a `device` route. */
export function requestDevice(request: FastifyRequest): AuthenticatedDevice {
  return principal(request, 'device').device;
}

/** The customer calling a `customer` route; a temporary-password session may only change it. */
export function requestCustomer(
  request: FastifyRequest,
  options: { passwordChange?: boolean } = {},
): CustomerSession & { token: string } {
  const { session } = principal(request, 'customer');
  if (session.mustChangePassword && !options.passwordChange)
    throw new HttpError(403, 'forbidden', 'choose a new password first');
  return session;
}

/** The staff member calling a `staff` route, scoped to the facilities of the route's roles. */
export function requestStaff(request: FastifyRequest): StaffActor {
  return principal(request, 'staff').staff;
}

/** One registered route and what it declares (the route-table test walks these). */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

const routeTables = new WeakMap<FastifyInstance, readonly DeclaredRoute[]>();

/** Every route registered on `app` after installAccessControl, with its declaration. */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return routeTables.get(app) ?? [];
}

export interface AccessControlDeps {
  storage: Storage;
  clock: Clock;
  minAppVersion: string;
  devices: ReturnType<typeof createDeviceAuthenticator>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function installAccessControl(app: FastifyInstance, deps: AccessControlDeps): void {
  const { storage, clock } = deps;

  async function admit(request: FastifyRequest, access: RouteAccess | undefined): Promise<void> {
    switch (access?.kind) {
      case undefined:
        request.log.error({ route: request.routeOptions.url }, 'route without access declaration');
        throw new HttpError(403, 'forbidden', 'this route declares no access');
      case 'public':
      case 'webhook':
        return;
      case 'customer': {
        const token = bearerToken(request);
        const session = await customerSession(storage, clock, token);
        principals.set(request, { kind: 'customer', session: { ...session, token } });
        return;
      }
      case 'staff': {
        const token = request.cookies[STAFF_COOKIE];
        if (!token) throw new HttpError(401, 'unauthorized', 'sign in as staff');
        const csrf = SAFE_METHODS.has(request.method)
          ? null
          : (request.headers[CSRF_HEADER] as string | undefined);
        const session = await staffBySession(storage, clock, token, csrf);
        const facilities = scopeFor(session.grants, access.roles);
        if (facilities !== ALL_FACILITIES && facilities.length === 0)
          throw new HttpError(403, 'forbidden', `this needs the role ${access.roles.join(' or ')}`);
        principals.set(request, { kind: 'staff', staff: { ...session, facilities } });
        return;
      }
      case 'device': {
        // An app that names its version and is too old hears "upgrade required" first: it cannot
        // speak what this service expects, and the answer tells facility IT what to do. A caller
        // naming no app is authenticated first, so a stranger learns only "unauthorized".
        const namesApp = typeof request.headers[HEADERS.app] === 'string';
        if (namesApp) checkVersions(request, deps.minAppVersion);
        await deps.devices.precheck(request);
        if (!namesApp) checkVersions(request, deps.minAppVersion);
        return;
      }
    }
  }

  const table: DeclaredRoute[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      table.push({ method, url: route.url ?? route.path, access: route.config?.access });
    }
  });

  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    await admit(request, request.routeOptions.config.access);
  });

  app.addHook('preHandler', async (request) => {
    const { access, acceptDevice } = request.routeOptions.config;
    if (request.is404 || access?.kind !== 'device') return;
    const device = await deps.devices.authenticate(
      request,
      (found) => {
        if (!access.profiles.includes(found.profile))
          throw new HttpError(403, 'forbidden', `not for ${found.profile} devices`);
        acceptDevice?.(request, found);
      },
      { signatureRequired: access.signed === true },
    );
    principals.set(request, { kind: 'device', device });
  });
}
