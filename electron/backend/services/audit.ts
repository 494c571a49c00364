import type { CallContext } from '../context';

/** Appends an audit entry for the caller (resident, maintenance, or a lobby customer). */
export function audit(
  context: CallContext,
  action: string,
  subjectId: string | null,
  details: Record<string, unknown> = {},
): void {
  const session = context.connection.session;
  context.core.store.audit.append({
    at: context.now,
    action,
    actorKind: session?.role ?? (context.core.profile === 'lobby' ? 'lobby' : 'system'),
    actorId: session?.residentId ?? null,
    subjectId,
    details,
  });
}
