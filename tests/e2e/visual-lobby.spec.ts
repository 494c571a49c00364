import { expect, test, type Page } from '@playwright/test';
import { demoResident } from './demo-resident';
import { chooseLanguage, eachFormFactor, lookAt } from './form-factors';
import { harnessForFile } from './harness';

const harness = harnessForFile({ profile: 'lobby' });

async function find(page: Page, docNumber: string) {
  await page.locator('input[name=state]').fill(demoResident(harness(), 0).state);
  await page.locator('input[name=docNumber]').fill(docNumber);
  await page.locator('form button[type=submit]').tap();
}

eachFormFactor(['kiosk-portrait', 'kiosk-landscape'], (formFactor, language) => {
  test.beforeEach(async ({ page }) => {
    await page.goto(harness().url);
    await chooseLanguage(page, language);
  });

  test('find', async ({ page }) => {
    await lookAt(page, `lobby-find-${formFactor}-${language}`);
  });

  test('not found', async ({ page }) => {
    await find(page, 'X999999');
    await expect(page.getByRole('alert')).toBeVisible();
    await lookAt(page, `lobby-not-found-${formFactor}-${language}`);
  });

  test('confirm', async ({ page }) => {
    await find(page, demoResident(harness(), 0).docNumber);
    await expect(page.locator('dl.facts')).toBeVisible();
    await lookAt(page, `lobby-confirm-${formFactor}-${language}`);
  });

  test('amount on the number pad', async ({ page }) => {
    await find(page, demoResident(harness(), 0).docNumber);
    await page.locator('.action-bar .button.primary').tap();
    await page.locator('input[name=amount]').tap();
    await expect(page.locator('.keyboard .simple-keyboard.amount')).toBeVisible();
    await lookAt(page, `lobby-amount-${formFactor}-${language}`);
  });
});
