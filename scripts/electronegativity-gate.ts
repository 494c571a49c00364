import { buildCsp } from '../electron/shell/security/csp';
import { createWindow, type WindowOptions } from '../electron/shell/security/window';

/**
 * The gate over electronegativity's findings (scripts/electronegativity.ts runs the scan).
 * Anything above INFORMATIONAL fails, except findings listed in REVIEWED below: each names why
 * the finding does not apply and carries a check that proves it against our own code, so an
 * exception stops hiding anything the moment the code it vouches for changes.
 */

/** The fields of an electronegativity issue the gate reads. */
export interface Finding {
  id: string;
  file: string;
  severity: { value: number; name: string };
  confidence: { name: string };
  location: { line: number; column: number };
  description: string;
}

export interface ReviewedFinding {
  id: string;
  /** Path relative to the scanned folder. */
  file: string;
  reason: string;
  holds: () => boolean;
}

const INFORMATIONAL = 0;

class CapturedWindow {
  constructor(readonly options: WindowOptions) {}
}
const productionWindow = () =>
  createWindow(CapturedWindow, { preloadPath: '/preload.cjs', development: false }).options;

function cspDirectives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

export const REVIEWED: ReviewedFinding[] = [
  {
    id: 'PRELOAD_JS_CHECK',
    file: 'shell/security/window.ts',
    reason:
      'the preload runs sandboxed and context-isolated and exposes only invoke/on (electron/shell/bridge.ts)',
    holds: () => {
      const preferences = productionWindow().webPreferences;
      return preferences.sandbox && preferences.contextIsolation && !preferences.nodeIntegration;
    },
  },
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'shell/security/csp.ts',
    reason:
      'the CSP is built by buildCsp() at run time, which the scanner cannot parse; it is checked here',
    holds: () => {
      const directives = cspDirectives(buildCsp());
      const csp = buildCsp();
      return (
        directives.get('default-src')?.join(' ') === "'none'" &&
        directives.get('script-src')?.join(' ') === "'self'" &&
        directives.get('object-src')?.join(' ') === "'none'" &&
        !/unsafe-|\*|https?:/.test(csp)
      );
    },
  },
];

export interface GateResult {
  failures: Finding[];
  accepted: { finding: Finding; reason: string }[];
  /** Reviewed entries whose proof no longer holds: they accept nothing. */
  brokenReviews: ReviewedFinding[];
}

export function gate(findings: Finding[], reviewed: ReviewedFinding[] = REVIEWED): GateResult {
  const brokenReviews = reviewed.filter((entry) => !entry.holds());
  const valid = reviewed.filter((entry) => !brokenReviews.includes(entry));
  const result: GateResult = { failures: [], accepted: [], brokenReviews };
  for (const finding of findings) {
    if (finding.severity.value <= INFORMATIONAL) continue;
    const review = valid.find((entry) => entry.id === finding.id && entry.file === finding.file);
    if (review) result.accepted.push({ finding, reason: review.reason });
    else result.failures.push(finding);
  }
  return result;
}
