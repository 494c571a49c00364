import { expect, test, type Page } from '@playwright/test';
import { checkScreen } from './checks';
import { harnessForFile, logIn, tapPin } from './harness';

const harness = harnessForFile();

async function open(page: Page, item: string) {
  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('button', { name: item })
    .tap();
}

test('login and every resident screen pass axe and the touch-size check', async ({ page }) => {
  await page.goto(harness().url);
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await checkScreen(page, 'login');
  await page.getByLabel('State').tap();
  await checkScreen(page, 'login-keyboard');
  await page.getByRole('button', { name: 'Done' }).tap();

  await logIn(page, harness(), 1);
  await expect(page.getByRole('heading', { name: /Hello/ })).toBeVisible();
  await checkScreen(page, 'home');

  await open(page, 'Inbox');
  await expect(page.getByText('Happy birthday!')).toBeVisible();
  await checkScreen(page, 'inbox');

  await page.getByText('Noticias de la familia').tap();
  await expect(page.getByRole('heading', { name: 'Noticias de la familia' })).toBeVisible();
  await checkScreen(page, 'message');

  await page.getByRole('button', { name: 'Reply' }).tap();
  await expect(page.getByRole('heading', { name: 'Reply' })).toBeVisible();
  await expect(page.getByText(/Total: \d+ stamps?$/)).toBeVisible();
  await checkScreen(page, 'compose-reply');

  await open(page, 'Stamps');
  await expect(page.getByRole('heading', { name: 'Your balance' })).toBeVisible();
  await checkScreen(page, 'stamps');

  await open(page, 'Tablet help');
  await expect(page.getByRole('heading', { name: 'Report a problem' })).toBeVisible();
  await checkScreen(page, 'tickets');

  await open(page, 'Account');
  await expect(page.getByRole('heading', { name: 'Spendable balance' })).toBeVisible();
  await checkScreen(page, 'account');

  await open(page, 'Questions');
  await page.getByText('What are stamps?').tap();
  await checkScreen(page, 'help');
});

test('the maintenance screens pass axe', async ({ page }) => {
  await page.goto(harness().url);
  await page.getByRole('button', { name: 'Service settings for facility staff' }).tap();
  await checkScreen(page, 'maintenance-pin');
  await tapPin(page, harness().maintenancePin);
  await page.getByRole('button', { name: 'Open service settings' }).tap();
  await expect(page.getByRole('heading', { name: 'This device' })).toBeVisible();
  await checkScreen(page, 'maintenance');
});
