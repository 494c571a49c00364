import { expect, test } from '@playwright/test';
import { checkScreen } from './checks';
import { harnessForFile } from './harness';
import { startDeposit } from './lobby-steps';

const harness = harnessForFile({ profile: 'lobby', simulatedDevices: true });

test('a card deposit: fee first, a credit card warning after the swipe; offline it needs the network', async ({
  page,
}) => {
  // This harness has no central service: a card is read, but cannot be charged.
  await startDeposit(page, harness(), 0, '50', 'Card');
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
  await startDeposit(page, harness(), 1, '38.05', 'Cash');
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
