import { expect, test } from '@playwright/test';
import { checkScreen } from './checks';
import { harnessForFile, tapPin } from './harness';

const harness = harnessForFile();

// Every resident and lobby screen is checked one per test, at each form factor and in both
// languages, by the visual-*.spec.ts files (axe, the 48 px check, the screenshot). Here: the
// maintenance screens, which have no screenshot baseline.

test('the maintenance screens pass axe', async ({ page }) => {
  await page.goto(harness().url);
  await page.getByRole('button', { name: 'Service settings for facility staff' }).tap();
  await checkScreen(page, 'maintenance-pin');
  await tapPin(page, harness().maintenancePin);
  await page.getByRole('button', { name: 'Open service settings' }).tap();
  await expect(page.getByRole('heading', { name: 'This device' })).toBeVisible();
  await checkScreen(page, 'maintenance');
});
