import { expect, test } from '@playwright/test';
import { checkScreen } from './checks';
import { harnessForFile, logIn } from './harness';

const harness = harnessForFile({ profile: 'tablet' });

test('a tablet offers no hardware flows: no badge, no card or cash, forms printed at a kiosk', async ({
  page,
}) => {
  await page.goto(harness().url);
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await expect(page.getByText('You can also scan your badge at the scanner.')).toHaveCount(0);
  await logIn(page, harness(), 9);
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('button', { name: 'Stamps' }).tap();
  await expect(page.getByRole('radio', { name: /My account/ })).toBeVisible();
  await expect(page.getByRole('radio', { name: /at this kiosk/ })).toHaveCount(0);
  await checkScreen(page, 'tablet-stamps');
  await nav.getByRole('button', { name: 'Account' }).tap();
  await page.getByLabel('Telephone number').fill('+1 386 555 0100');
  await page.getByLabel('Return mailing address').fill('12 Palm St, Tampa, FL 33601');
  await page.getByRole('button', { name: 'Save the request' }).tap();
  await expect(page.getByText('Print this form at a kiosk.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print the form' })).toHaveCount(0);
  await checkScreen(page, 'tablet-account');
});
