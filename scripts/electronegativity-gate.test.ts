import { describe, expect, it } from 'vitest';
import { REVIEWED, gate, type Finding } from './electronegativity-gate';

const finding = (id: string, file: string, severity: [number, string]): Finding => ({
  id,
  file,
  severity: { value: severity[0], name: severity[1] },
  confidence: { name: 'FIRM' },
  location: { line: 1, column: 0 },
  description: id,
});
const HIGH: [number, string] = [3, 'HIGH'];
const LOW: [number, string] = [1, 'LOW'];
const INFO: [number, string] = [0, 'INFORMATIONAL'];

describe('electronegativity gate', () => {
  it('fails on anything above informational that is not reviewed', () => {
    const result = gate([
      finding('NODE_INTEGRATION_JS_CHECK', 'shell/app.ts', HIGH),
      finding('CSP_GLOBAL_CHECK', 'shell/security/csp.ts', LOW),
      finding('OPEN_EXTERNAL_JS_CHECK', 'shell/app.ts', INFO),
    ]);
    expect(result.failures.map((f) => f.id)).toEqual(['NODE_INTEGRATION_JS_CHECK']);
    expect(result.accepted.map((a) => a.finding.id)).toEqual(['CSP_GLOBAL_CHECK']);
  });

  it('accepts a reviewed finding only in the reviewed file', () => {
    const result = gate([finding('PRELOAD_JS_CHECK', 'shell/other.ts', HIGH)]);
    expect(result.failures).toHaveLength(1);
  });

  it('every reviewed exception holds against the code today', () => {
    expect(REVIEWED.filter((entry) => !entry.holds()).map((entry) => entry.id)).toEqual([]);
  });

  it('a review whose proof fails accepts nothing', () => {
    const broken = { ...REVIEWED[0]!, holds: () => false };
    const result = gate([finding(broken.id, broken.file, HIGH)], [broken]);
    expect(result.failures).toHaveLength(1);
    expect(result.brokenReviews).toEqual([broken]);
  });
});
