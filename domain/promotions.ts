import type { FacilityConfig, Promotion, StampBundle } from './facility';
import { parseInstant } from './instant';
import { basisPointsOf } from './money';
import { err, ok, type DomainError, type Result } from './result';

/**
 * docs/rules.md "Promotions": discounts and sweepstakes per facility, time-bounded; discounts apply
 * automatically at purchase. A promotion is active from startsAt (inclusive) to endsAt
 * (exclusive). The discount is rounded half up to a whole cent (see basisPointsOf).
 */

type PromotionFacility = Pick<FacilityConfig, 'promotions' | 'stampBundles'>;

export type PromotionError =
  DomainError<'invalid_instant'> | (DomainError<'unknown_bundle'> & { bundleId: string });

function isPromotionActive(promotion: Promotion, nowMs: number): boolean {
  const starts = parseInstant(promotion.startsAt);
  const ends = parseInstant(promotion.endsAt);
  return starts !== null && ends !== null && starts <= nowMs && nowMs < ends;
}

/** Promotions (discounts and sweepstakes) running at `now`, in configuration order. */
export function activePromotions(
  facility: Pick<FacilityConfig, 'promotions'>,
  now: string,
): Result<Promotion[], PromotionError> {
  const nowMs = parseInstant(now);
  if (nowMs === null) return err({ code: 'invalid_instant', message: `not an instant: ${now}` });
  return ok(facility.promotions.filter((promotion) => isPromotionActive(promotion, nowMs)));
}

export interface BundleQuote {
  bundle: StampBundle;
  listPriceCents: number;
  discountCents: number;
  priceCents: number;
  /** The discount applied, or null when none applies. */
  promotion: Promotion | null;
}

function appliesTo(promotion: Promotion, bundle: StampBundle): boolean {
  return (
    promotion.kind === 'discount' &&
    (promotion.discountBasisPoints ?? 0) > 0 &&
    (promotion.bundleIds === undefined || promotion.bundleIds.includes(bundle.id))
  );
}

function quote(bundle: StampBundle, running: readonly Promotion[]): BundleQuote {
  let best: BundleQuote = {
    bundle,
    listPriceCents: bundle.priceCents,
    discountCents: 0,
    priceCents: bundle.priceCents,
    promotion: null,
  };
  for (const promotion of running.filter((candidate) => appliesTo(candidate, bundle))) {
    const discountCents = basisPointsOf(bundle.priceCents, promotion.discountBasisPoints ?? 0);
    if (discountCents > best.discountCents) {
      best = { ...best, discountCents, priceCents: bundle.priceCents - discountCents, promotion };
    }
  }
  return best;
}

/** The price of one bundle at `now` after the best running discount that covers it. */
export function bundlePrice(
  facility: PromotionFacility,
  bundleId: string,
  now: string,
): Result<BundleQuote, PromotionError> {
  const bundle = facility.stampBundles.find((candidate) => candidate.id === bundleId);
  if (!bundle) {
    return err({ code: 'unknown_bundle', message: `no bundle ${bundleId} here`, bundleId });
  }
  const running = activePromotions(facility, now);
  return running.ok ? ok(quote(bundle, running.value)) : running;
}

/** Every bundle of the facility priced at `now`, for the purchase screen. */
export function bundlePrices(
  facility: PromotionFacility,
  now: string,
): Result<BundleQuote[], PromotionError> {
  const running = activePromotions(facility, now);
  if (!running.ok) return running;
  return ok(facility.stampBundles.map((bundle) => quote(bundle, running.value)));
}
