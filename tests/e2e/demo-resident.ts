import type { DemoResident } from './harness';

/** Demo resident `index` of a running harness; asking for one the seed lacks fails here, loudly. */
export function demoResident(
  harness: { residents: readonly DemoResident[] },
  index: number,
): DemoResident {
  const resident = harness.residents[index];
  if (!resident) {
    throw new Error(`the demo seed has no resident #${index} (it has ${harness.residents.length})`);
  }
  return resident;
}
