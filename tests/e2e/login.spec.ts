import { expect, test } from '@playwright/test';
import { demoResident } from './demo-resident';
import { harnessForFile, logIn, tapPin } from './harness';

const harness = harnessForFile();

test('a resident logs in with state, DOC number and PIN and sees the home screen', async ({
  page,
}) => {
  await logIn(page, harness(), 0);
  await expect(page.getByRole('heading', { name: 'Hello, James' })).toBeVisible();
  await expect(page.getByText('20 available')).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).tap();
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
});

test('the on-screen keyboard types into the login fields', async ({ page }) => {
  await page.goto(harness().url);
  await page.getByLabel('State').tap();
  const keyboard = page.getByRole('region', { name: 'On-screen keyboard' });
  await expect(keyboard).toBeVisible();
  // The state field gets the two-letter state picker.
  await keyboard.locator('[data-skbtn="FL"]').tap();
  await expect(page.getByLabel('State')).toHaveValue('FL');
  await keyboard.getByRole('button', { name: 'Done' }).tap();
  await expect(keyboard).toBeHidden();
  // A tap on another control leaves the keyboard where it is (nothing moves under the finger).
  await page.getByLabel('DOC number').tap();
  await expect(keyboard).toBeVisible();
  await page.getByRole('button', { name: 'Digit 1' }).tap();
  await expect(keyboard).toBeVisible();
  await keyboard.getByRole('button', { name: 'Done' }).tap();
  await expect(keyboard).toBeHidden();
});

test('5 wrong PINs lock the account and the screen says to ask staff', async ({ page }) => {
  const resident = demoResident(harness(), 4);
  await page.goto(harness().url);
  await page.getByLabel('State').fill(resident.state);
  await page.getByLabel('DOC number').fill(resident.docNumber);
  // The keyboard of the DOC field covers part of the PIN pad on a short screen: close it.
  await page.getByRole('button', { name: 'Done' }).tap();
  for (let attempt = 1; attempt <= 4; attempt++) {
    await tapPin(page, '9999');
    await page.getByRole('button', { name: 'Log in' }).tap();
    const left = 5 - attempt;
    await expect(page.getByRole('alert')).toContainText(
      `${left} ${left === 1 ? 'try' : 'tries'} left`,
    );
  }
  await tapPin(page, '9999');
  await page.getByRole('button', { name: 'Log in' }).tap();
  await expect(page.getByRole('alert')).toContainText('locked after 5 wrong PINs');
  await expect(page.getByRole('alert')).toContainText('Ask a staff member to unlock');
  // Even the right PIN is refused now.
  await tapPin(page, resident.pin);
  await page.getByRole('button', { name: 'Log in' }).tap();
  await expect(page.getByRole('alert')).toContainText('locked');
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toHaveCount(0);
});
