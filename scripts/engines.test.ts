import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

describe('engines', () => {
  it('admits only Node versions every installed package declares it runs on', () => {
    const ours = manifest.engines.node;
    expect(semver.validRange(ours)).not.toBeNull();
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, locked]) => {
        const theirs = Array.isArray(locked.engines) ? undefined : locked.engines?.node;
        return theirs && !semver.subset(ours, theirs)
          ? [`${path}@${locked.version}: ${theirs}`]
          : [];
      });
    expect(refusing).toEqual([]);
  });

  it('admits every Node version all of them run on (checked at each bound they name)', () => {
    const ranges = Object.values(lock.packages).flatMap((locked) =>
      Array.isArray(locked.engines) || !locked.engines?.node ? [] : [locked.engines.node],
    );
    // Every version a range starts or ends at, and each major's first release, 18 to 27.
    const bounds = new Set<string>();
    for (const range of ranges)
      for (const match of range.matchAll(/\d+(\.\d+)?(\.\d+)?/g))
        bounds.add(semver.coerce(match[0])!.version);
    for (let major = 18; major <= 27; major += 1) bounds.add(`${major}.0.0`);
    const mismatched = [...bounds].filter(
      (version) =>
        semver.satisfies(version, manifest.engines.node) !==
        ranges.every((range) => semver.satisfies(version, range)),
    );
    expect(mismatched).toEqual([]);
  });
});
