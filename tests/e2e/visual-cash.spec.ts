import { expect, test, type Page } from '@playwright/test';
import { demoResident } from './demo-resident';
import { chooseLanguage, eachFormFactor, lookAt } from './form-factors';
import { harnessForFile } from './harness';

// The cash screens (amount due, no change, what a cancel keeps) and the receipt of a cancelled
// cash deposit, at every form factor in both languages, through the bill acceptor emulator.
const harness = harnessForFile({ profile: 'lobby', simulatedDevices: true });

/** Finds demo resident 0, asks the fee for $38.05 in cash, pays, and inserts one $20 bill. */
async function oneBillIn(page: Page) {
  const resident = demoResident(harness(), 0);
  await page.locator('input[name=state]').fill(resident.state);
  await page.locator('input[name=docNumber]').fill(resident.docNumber);
  await page.locator('form button[type=submit]').tap();
  await page.locator('.action-bar .button.primary').tap(); // yes, this person
  await page.locator('input[name=amount]').fill('38.05');
  await page.locator('input[name=depositorName]').fill('Linda Carter');
  await page.locator('input[name=method]').nth(1).check(); // cash
  await page.locator('.action-bar .button.primary').tap(); // see the fee
  await page.locator('.action-bar .button.primary').tap(); // confirm and pay
  await expect(page.locator('progress')).toBeVisible(); // shown once the acceptor takes bills
  expect(await harness().simulator.insertBill(2000)).toBe(true);
  await page.locator('.notice.info .button.primary').tap(); // accept the bill
  await expect(page.locator('.inserted')).toHaveText(/20[.,]00/);
}

eachFormFactor(['kiosk-portrait', 'kiosk-landscape', 'tablet'], (formFactor, language) => {
  test.beforeEach(async ({ page }) => {
    await page.goto(harness().url);
    await chooseLanguage(page, language);
  });

  test('cash with a bill in', async ({ page }) => {
    await oneBillIn(page);
    // the keyboard of the last field is put away, as a person's next tap would
    await page.locator('.inserted').tap();
    await lookAt(page, `lobby-cash-${formFactor}-${language}`);
  });

  test('receipt after a cancel', async ({ page }) => {
    await oneBillIn(page);
    await page.locator('.stack .actions .button.secondary').last().tap(); // cancel
    await expect(page.locator('dl.facts')).toBeVisible();
    await lookAt(page, `lobby-cash-cancelled-${formFactor}-${language}`);
  });
});
