import { expect, test } from '@playwright/test';
import { harnessForFile, logIn } from './harness';

const harness = harnessForFile();

test('a resident reads a message and sees its photo', async ({ page }) => {
  await logIn(page, harness(), 0);
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('button', { name: 'Inbox' }).tap();
  const list = page.getByRole('list').first();
  await expect(list.getByRole('button')).toHaveCount(4);
  await page.getByText('Fotos del cumpleaños').tap();
  await expect(page.getByRole('heading', { name: 'Fotos del cumpleaños' })).toBeVisible();
  await expect(page.getByText(/tamales y pastel de tres leches/)).toBeVisible();
  await page.getByRole('button', { name: 'Show photo' }).tap();
  const photo = page.getByRole('img', { name: /Photo attached by/ });
  await expect(photo).toBeVisible();
  expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  // Reading it marked it read: back in the inbox it is no longer unread.
  await page.getByRole('button', { name: 'Back' }).tap();
  await expect(page.locator('.list-item.unread')).toHaveCount(3);
});

test('search finds messages by words in the body, in either language', async ({ page }) => {
  await logIn(page, harness(), 1);
  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('button', { name: 'Inbox' })
    .tap();
  await page.getByLabel('Search messages').fill('tamales');
  await page.getByRole('button', { name: 'Search', exact: true }).tap();
  await expect(page.getByRole('heading', { name: 'Results for “tamales”' })).toBeVisible();
  await expect(page.locator('.list-item')).toHaveCount(1);
  await expect(page.locator('.list-item')).toContainText('Fotos del cumpleaños');
  await page.getByLabel('Search messages').fill('zzzznothing');
  await page.getByRole('button', { name: 'Search', exact: true }).tap();
  await expect(page.getByText('No messages match your search.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear search' }).tap();
  await expect(page.locator('.list-item')).toHaveCount(4);
});

test('a reply shows its stamp cost first and, with no central service, waits as pending', async ({
  page,
}) => {
  await logIn(page, harness(), 2);
  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('button', { name: 'Inbox' })
    .tap();
  await page.getByText('Noticias de la familia').tap();
  await page.getByRole('button', { name: 'Reply' }).tap();
  // The sender attached prepaid reply stamps: the quote uses them for this reply.
  await expect(page.getByText(/from prepaid reply stamps/)).toBeVisible();
  await page
    .getByLabel('Message', { exact: true })
    .fill('Gracias por las noticias. Saludos a todos.');
  // On this short landscape screen the keyboard leaves no room for the action bar: a person
  // closes it first, as they would on a real kiosk.
  await page.getByRole('button', { name: 'Done' }).tap();
  await page.getByRole('button', { name: 'Send' }).tap();
  await expect(
    page.getByText('Pending: it will be sent when the device is back online.'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Delivery progress' }).tap();
  await expect(page.getByRole('heading', { name: 'Re: Noticias de la familia' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Delivery progress' })).toContainText(
    'Pending: waiting for connection',
  );
});
