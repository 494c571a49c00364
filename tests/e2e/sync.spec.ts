import { expect, test, type Page } from '@playwright/test';
import { demoResident } from './demo-resident';
import { harnessForFile, tapPin } from './harness';

const harness = harnessForFile({ central: true });

/**
 * The first sync brings the residents, their PINs and their contacts: until then the kiosk does
 * not know the resident and refuses the login, so the spec tries again until it is let in.
 */
async function logInWhenSynced(page: Page) {
  // Each spec here waits for sync cycles (first sync, offline, back online): its limit scales.
  test.slow();
  const resident = demoResident(harness(), 0);
  const menu = page.getByRole('navigation', { name: 'Main menu' });
  await expect
    .poll(
      async () => {
        await page.goto(harness().url);
        await page.getByLabel('State').fill(resident.state);
        await page.getByLabel('DOC number').fill(resident.docNumber);
        // The keyboard of the DOC field covers part of the PIN pad on a short screen: close it.
        await page.getByRole('button', { name: 'Done' }).tap();
        await tapPin(page, resident.pin);
        await page.getByRole('button', { name: 'Log in' }).tap();
        await menu.or(page.getByRole('alert')).first().waitFor();
        return menu.isVisible();
      },
      { timeout: 20_000 },
    )
    .toBe(true);
}

test('a message sent offline waits as pending, then goes out when the central service is back', async ({
  page,
}) => {
  await logInWhenSynced(page);

  await harness().central.stop();
  await expect(page.getByText(/This device is offline/)).toBeVisible({ timeout: 20_000 });

  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('button', { name: 'Write' })
    .tap();
  await page.getByRole('radio', { name: 'Maria Lopez' }).check();
  await expect(page.getByText(/Total: \d+ stamps?$/)).toBeVisible();
  await page.getByLabel('Subject').fill('Hello from the kiosk');
  await page.getByLabel('Message', { exact: true }).fill('Written while the kiosk was offline.');
  await page.getByRole('button', { name: 'Done' }).tap();
  await page.getByRole('button', { name: 'Send' }).tap();
  await expect(
    page.getByText('Pending: it will be sent when the device is back online.'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Delivery progress' }).tap();
  const progress = page.getByRole('region', { name: 'Delivery progress' });
  await expect(progress).toContainText('Pending: waiting for connection');

  await harness().central.start();
  await expect(page.getByText(/This device is offline/)).toBeHidden({ timeout: 20_000 });
  // The sync pushes it; the central service accepts it and the timeline moves on.
  await expect(progress).toContainText(/Sent|In review/, { timeout: 20_000 });
});

test('a send the central service refuses comes back to drafts with its reason and its stamps', async ({
  page,
}) => {
  await logInWhenSynced(page);
  await harness().central.stop();
  await expect(page.getByText(/This device is offline/)).toBeVisible({ timeout: 20_000 });
  // Meanwhile the stamps are spent elsewhere: the central service will refuse this send.
  await harness().central.drainStamps();

  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('button', { name: 'Write' })
    .tap();
  await page.getByRole('radio', { name: 'Maria Lopez' }).check();
  await page.getByLabel('Subject').fill('This one will be refused');
  await page.getByLabel('Message', { exact: true }).fill('Sent offline without stamps.');
  await page.getByRole('button', { name: 'Done' }).tap();
  await page.getByRole('button', { name: 'Send' }).tap();
  await expect(
    page.getByText('Pending: it will be sent when the device is back online.'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Delivery progress' }).tap();
  await expect(page.getByRole('heading', { name: 'This one will be refused' })).toBeVisible();

  await harness().central.start();
  await expect(page.getByRole('alert')).toContainText(
    'Not sent: not enough stamps. The message is back in your drafts and the stamps were returned.',
    { timeout: 20_000 },
  );
  await expect(page.getByRole('button', { name: 'Edit draft' })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Main menu' })
    .getByRole('button', { name: 'Stamps' })
    .tap();
  await expect(page.getByRole('region', { name: 'History' })).toContainText('refused');
});
