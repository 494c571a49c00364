import { expect, test } from '@playwright/test';
import { demoResident } from './demo-resident';
import { LOBBY_IDLE_MS } from '../../renderer/components/idle-return';
import { chooseLanguage } from './form-factors';
import { harnessForFile } from './harness';

const harness = harnessForFile({ profile: 'lobby' });

test('a lobby screen left alone returns to the start, forgets the person and the language', async ({
  page,
}) => {
  // The page's clock is Playwright's: the idle time passes when the test says so.
  await page.clock.install();
  const resident = demoResident(harness(), 0);
  await page.goto(harness().url);
  await chooseLanguage(page, 'es');
  await page.locator('input[name=state]').fill(resident.state);
  await page.locator('input[name=docNumber]').fill(resident.docNumber);
  await page.locator('form button[type=submit]').tap();
  await expect(page.locator('dl.facts')).toContainText(resident.docNumber);

  // A touch just before the limit starts the wait again.
  await page.clock.runFor(LOBBY_IDLE_MS.step - 1_000);
  await page.locator('main h1').tap();
  await page.clock.runFor(LOBBY_IDLE_MS.step - 1_000);
  await expect(page.locator('dl.facts')).toBeVisible();

  await page.clock.runFor(2_000);
  await expect(page.locator('dl.facts')).toHaveCount(0);
  await expect(page.locator('input[name=docNumber]')).toHaveValue('');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});
