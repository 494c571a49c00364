import { expect, test } from '@playwright/test';
import { harnessForFile, logIn } from './harness';

const harness = harnessForFile();

test('a resident sees suggested steps first, then files the ticket and follows it', async ({
  page,
}) => {
  await logIn(page, harness(), 3);
  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('button', { name: 'Tablet help' })
    .tap();
  await expect(page.getByLabel('Tablet serial number')).toHaveValue('TAB-100004');
  await page.getByText('Charging', { exact: true }).tap();
  await page.getByLabel('Describe the problem').fill('My tablet will not charge overnight');
  await page.getByRole('button', { name: 'Show suggested steps' }).tap();
  const suggestions = page.getByRole('region', { name: 'Try these steps first' });
  await expect(suggestions.getByRole('listitem').first()).toBeVisible();
  await page.getByRole('button', { name: 'I still need help: file the request' }).tap();
  await expect(page.getByText(/Request filed/)).toBeVisible();
  const list = page.getByRole('region', { name: 'Your requests' });
  const filed = list.getByRole('button', { name: /My tablet will not charge overnight/ });
  await expect(filed).toBeVisible();
  await filed.tap();
  await expect(page.getByRole('region', { name: /Charging/ })).toContainText(
    'My tablet will not charge overnight',
  );
});

test('a description that is too short cannot ask for suggestions', async ({ page }) => {
  await logIn(page, harness(), 5);
  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('button', { name: 'Tablet help' })
    .tap();
  await page.getByLabel('Describe the problem').fill('broken');
  await expect(page.getByRole('button', { name: 'Show suggested steps' })).toBeDisabled();
});
