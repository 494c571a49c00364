export { DEMO, demoResidentLogins } from '../backend';
export { startHarness, type Harness, type HarnessOptions } from './server';
