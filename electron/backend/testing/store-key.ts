import { randomBytes } from 'node:crypto';
import { fixedKeySource } from '../store';

/** One store key per test process, so seeded template files can be copied between tests. */
export const TEST_STORE_KEY = fixedKeySource(randomBytes(32));
