import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the renderer against the real backend through the browser harness
 * (tests/e2e/harness.ts starts one per spec file). Chromium comes from the system package;
 * `npx playwright install` is never needed.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 30_000,
  // Screenshot baselines by name, one folder for the whole suite (see visual-*.spec.ts).
  snapshotPathTemplate: '{testDir}/__screenshots__/{arg}{ext}',
  expect: { timeout: 7_500 },
  fullyParallel: false,
  workers: process.env.CI ? 2 : 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    hasTouch: true,
    locale: 'en-US',
    timezoneId: 'UTC',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
});
