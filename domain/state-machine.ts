import { err, ok, type DomainError, type Result } from './result';

/** A status machine: for each status, the statuses it may move to. */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export type IllegalTransition<S extends string> = DomainError<'illegal_transition'> & {
  from: S;
  to: S;
};

/** Checks one move against a table; an illegal move is a typed error naming both ends. */
export function checkTransition<S extends string>(
  table: TransitionTable<S>,
  subject: string,
  from: S,
  to: S,
): Result<S, IllegalTransition<S>> {
  return table[from].includes(to)
    ? ok(to)
    : err({
        code: 'illegal_transition',
        message: `a ${subject} cannot go from ${from} to ${to}`,
        from,
        to,
      });
}
