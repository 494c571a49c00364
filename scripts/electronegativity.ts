/**
 * Part of `npm run lint`: runs electronegativity over electron/ and fails on any finding above
 * INFORMATIONAL that is not a reviewed, re-proven exception (electronegativity-gate.ts).
 * electronegativity itself always exits 0 and prints a table, so it is called through its
 * programmatic API and its issues are read as data. The "available security fixes" check is
 * skipped: it calls the network on every run (docs/security.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import run from '@doyensec/electronegativity';
import { pinnedElectronVersion } from './dist';
import { gate, type Finding } from './electronegativity-gate';

const ELECTRON_VERSION = pinnedElectronVersion(readFileSync('package.json', 'utf8'));

const scan = (await run({
  input: resolve('electron'),
  customScan: [],
  excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  isRelative: true,
  electronVersionOverride: ELECTRON_VERSION,
  parserPlugins: [],
})) as { issues: Finding[]; errors: unknown[] };

const result = gate(scan.issues);
for (const { finding, reason } of result.accepted) {
  console.log(`electronegativity: accepted ${finding.id} in ${finding.file}: ${reason}`);
}
for (const review of result.brokenReviews) {
  console.error(
    `electronegativity: reviewed exception no longer holds: ${review.id} (${review.file})`,
  );
}
for (const finding of result.failures) {
  console.error(
    `electronegativity: ${finding.severity.name}/${finding.confidence.name} ${finding.id} ` +
      `${finding.file}:${finding.location.line}:${finding.location.column} ${finding.description}`,
  );
}
if (scan.errors.length > 0) {
  console.error(
    `electronegativity: ${scan.errors.length} file(s) could not be parsed`,
    scan.errors,
  );
}
const failed = result.failures.length > 0 || scan.errors.length > 0;
console.log(
  `electronegativity: ${scan.issues.length} finding(s), ${result.failures.length} failing` +
    (failed ? '' : ' — ok'),
);
process.exit(failed ? 1 : 0);
