import type { RouteAccess } from './access';
import type { DeclaredRoute } from './access-control';

/** How one declaration reads in the docs. */
export function describeAccess(access: RouteAccess | undefined): string {
  switch (access?.kind) {
    case undefined:
      return 'UNDECLARED (refused)';
    case 'public':
      return 'public';
    case 'device':
      return `device: ${access.profiles.join(', ')}${access.signed ? ' (signed, no session)' : ''}`;
    case 'customer':
      return 'customer session';
    case 'staff':
      return `staff: ${access.roles.join(', ')}`;
    case 'webhook':
      return `webhook: ${access.source}`;
  }
}

/**
 * The "Who may call what" table of docs/central.md, generated from the route declarations (HEAD
 * routes Fastify adds for each GET are left out: they share the GET's declaration). The route-table
 * test fails when the docs differ.
 */
export function whoMayCallWhat(routes: readonly DeclaredRoute[]): string {
  const rows = routes
    .filter((route) => route.method !== 'HEAD')
    .map((route) => `| ${route.method} | \`${route.url}\` | ${describeAccess(route.access)} |`)
    .sort();
  return ['| method | route | who may call it |', '|---|---|---|', ...rows].join('\n');
}
