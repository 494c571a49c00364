/**
 * `bp` basis points (1/100 of a percent) of an amount in cents, rounded half up to a whole cent:
 * 1.5% of 1033 cents = 15.495 -> 15; of 1100 cents = 16.5 -> 17. Integer arithmetic only, so
 * there is no floating-point drift. Used for fee percentages and promotion discounts alike.
 */
export function basisPointsOf(cents: number, bp: number): number {
  return Math.floor((cents * bp + 5_000) / 10_000);
}
