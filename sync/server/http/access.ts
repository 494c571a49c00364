import type { DeviceProfile, StaffRole } from '../../../domain';

/**
 * Who may call a route, declared where the route is declared:
 * `app.post(url, { config: { access: { kind: 'staff', roles: ['finance'] } } }, handler)`.
 * One hook enforces it on the route Fastify matched (never on URL text); a route without a
 * declaration is refused, and the route-table test fails.
 * - public: anyone (rate-limited where it matters: login, register, lookup, enroll);
 * - device: a signed or session-MACed request from an enrolled, unrevoked device of one of these
 *   profiles (`signed`: a signature only, never a session MAC);
 * - customer: a signed-in customer session;
 * - staff: a staff session holding one of these roles (the handler scopes data to the staff
 *   member's facilities);
 * - webhook: a notification signed by an outside party (the card processor), checked by the route.
 */
export type RouteAccess =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'device';
      readonly profiles: readonly DeviceProfile[];
      readonly signed?: true;
    }
  | { readonly kind: 'customer' }
  | { readonly kind: 'staff'; readonly roles: readonly StaffRole[] }
  | { readonly kind: 'webhook'; readonly source: 'processor' };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}
