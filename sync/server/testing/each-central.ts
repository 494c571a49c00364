import { afterEach, beforeEach, expect } from 'vitest';
import { TestCentral } from './central';
import { storageOpener, type StorageKind } from './storages';

/**
 * Per test: a fresh central service on a fresh storage of the given kind, handed to `started`;
 * after each test every balance must equal its ledger sum and none may be below zero, then the
 * service stops. The money invariant is checked after every test of every suite that uses it.
 */
export function eachTestCentral(
  kind: StorageKind,
  started: (central: TestCentral) => void,
  options: Parameters<typeof TestCentral.start>[1] = {},
): void {
  const open = storageOpener(kind);
  let running: TestCentral | undefined;
  beforeEach(async () => {
    running = await TestCentral.start(await open(), options);
    started(running);
  });
  afterEach(async () => {
    if (!running) return;
    expect(await running.ledgerInvariant()).toEqual({ mismatches: [], negatives: 0 });
    await running.stop();
    running = undefined;
  });
}
