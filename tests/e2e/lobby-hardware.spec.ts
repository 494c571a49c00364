import { expect, test, type Page } from '@playwright/test';
import { checkScreen } from './checks';
import { demoResident } from './demo-resident';
import { harnessForFile } from './harness';

const harness = harnessForFile({ profile: 'lobby', simulatedDevices: true });

/** Finds demo resident n, confirms them, and asks for the fee of `dollars` by `method`. */
async function startDeposit(page: Page, index: number, dollars: string, method: 'Card' | 'Cash') {
  const resident = demoResident(harness(), index);
  await page.goto(harness().url);
  await page.getByLabel('State').fill(resident.state);
  await page.getByLabel('DOC number').fill(resident.docNumber);
  await page.getByRole('button', { name: 'Find' }).tap();
  await page.getByRole('button', { name: 'Yes, continue' }).tap();
  await page.getByLabel('Amount in dollars').fill(dollars);
  await page.getByLabel('Your name').fill('Linda Carter');
  await page.getByRole('radio', { name: new RegExp(`^${method}`) }).check();
  await page.getByRole('button', { name: 'See the fee' }).tap();
}

test('a card deposit: fee first, a credit card warning after the swipe; offline it needs the network', async ({
  page,
}) => {
  // This harness has no central service: a card is read, but cannot be charged.
  await startDeposit(page, 0, '50', 'Card');
  await page.getByRole('button', { name: /Confirm and pay/ }).tap();
  await expect(page.getByText('Swipe your card now.')).toBeVisible();
  await harness().simulator.swipe({ card: 'visa', name: 'CARTER/LINDA' });
  await expect(page.getByText('VISA ending in 1111')).toBeVisible();
  await expect(
    page.getByText(/This is a credit card\. Your bank may charge a cash-advance fee/),
  ).toBeVisible();
  await page.getByRole('button', { name: /Confirm and pay/ }).tap();
  await expect(page.getByText(/Card payments need a network connection/)).toBeVisible();
  await expect(page.getByText('Thank you. The deposit was made.')).toHaveCount(0);
  expect((await harness().simulator.printed()).join('\n')).not.toContain('50.00');
});

test('a cash deposit through the bill acceptor: escrow, accept, then deposit', async ({ page }) => {
  await startDeposit(page, 1, '38.05', 'Cash');
  await expect(page.getByText('$40.00', { exact: true }).first()).toBeVisible(); // $38.05 + fee
  await page.getByRole('button', { name: /Confirm and pay \$40\.00/ }).tap();
  await expect(page.getByText('Insert bills one at a time.')).toBeVisible();
  for (const [bill, total] of [
    [2000, '$20.00'],
    [2000, '$40.00'],
  ] as const) {
    expect(await harness().simulator.insertBill(bill)).toBe(true);
    await expect(page.getByText('Bill of $20.00 waiting.')).toBeVisible();
    if (total === '$20.00') await checkScreen(page, 'lobby-cash-escrow');
    await page.getByRole('button', { name: 'Accept bill' }).tap();
    await expect(page.getByText(`Inserted: ${total}`, { exact: true })).toBeVisible();
  }
  await page.getByRole('button', { name: 'Done inserting' }).tap();
  await expect(page.getByText('Thank you. The deposit was made.')).toBeVisible();
  await expect
    .poll(async () => (await harness().simulator.printed()).join('\n'))
    .toContain('38.05');
});
