export {
  DEMO,
  DEMO_FACILITY_ID,
  demoResidentLogins,
  seedDemo,
  type SeedDemoOptions,
} from '../backend';
export { startHarness, type Harness, type HarnessOptions } from './server';
