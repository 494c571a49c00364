import { expect, test, type Page } from '@playwright/test';
import { checkScreen } from './checks';
import { demoResident } from './demo-resident';
import { harnessForFile } from './harness';

const harness = harnessForFile({ profile: 'lobby' });

async function find(page: Page, index: number) {
  const resident = demoResident(harness(), index);
  await page.goto(harness().url);
  await expect(page.getByRole('heading', { name: 'Send money to a resident' })).toBeVisible();
  await checkScreen(page, 'lobby-find');
  await page.getByLabel('State').fill(resident.state);
  await page.getByLabel('DOC number').fill(resident.docNumber);
  await page.getByRole('button', { name: 'Find' }).tap();
}

test('a customer finds a resident, confirms who it is and sees the fee before paying', async ({
  page,
}) => {
  await find(page, 0);
  await expect(page.getByRole('heading', { name: 'Is this the right person?' })).toBeVisible();
  await expect(page.getByText('James Carter')).toBeVisible();
  await expect(page.getByText('S100001')).toBeVisible();
  await checkScreen(page, 'lobby-confirm');
  await page.getByRole('button', { name: 'Yes, continue' }).tap();
  await page.getByLabel('Amount in dollars').fill('50');
  await page.getByLabel('Your name').fill('Linda Carter');
  await page.getByRole('button', { name: 'See the fee' }).tap();
  await expect(page.getByText('Fee', { exact: true })).toBeVisible();
  await expect(page.getByText('$50.00')).toBeVisible();
  await expect(page.getByRole('button', { name: /Confirm and pay \$\d+\.\d\d/ })).toBeVisible();
  await checkScreen(page, 'lobby-quote');
});

test('a resident with a chargeback block: the screen explains it and what is still possible', async ({
  page,
}) => {
  await find(page, 11);
  await page.getByRole('button', { name: 'Yes, continue' }).tap();
  await page.getByLabel('Amount in dollars').fill('20');
  await page.getByLabel('Your name').fill('Rosa Gómez');
  await page.getByRole('button', { name: 'See the fee' }).tap();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('not possible for this resident right now');
  await expect(alert).toContainText('Still possible:');
  await expect(page.getByRole('button', { name: /Confirm and pay/ })).toHaveCount(0);
  await checkScreen(page, 'lobby-blocked');
});

test('an unknown DOC number is reported and the search stays', async ({ page }) => {
  await page.goto(harness().url);
  await page.getByLabel('State').fill('FL');
  await page.getByLabel('DOC number').fill('X999999');
  await page.getByRole('button', { name: 'Find' }).tap();
  await expect(page.getByRole('alert')).toContainText(
    'We found no one with that state and DOC number.',
  );
  await expect(page.getByRole('alert')).toContainText('Check both');
  await expect(page.getByLabel('DOC number')).toHaveValue('X999999');
});
