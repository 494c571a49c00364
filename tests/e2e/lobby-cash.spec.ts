import { expect, test, type Page } from '@playwright/test';
import { checkScreen } from './checks';
import { harnessForFile } from './harness';
import { startDeposit } from './lobby-steps';

// Cash is never lost, as the visitor sees it: the amount due and "no change" on screen, a cancel
// or a walk-away after a bill still deposits it with a receipt, money above the total is
// credited and printed, and a bill the acceptor settles after a power cut is explained. The
// backend's walk-away time is the shortest it allows, so the test waits for the screen to change
// (an event), never a fixed time.
const harness = harnessForFile({ profile: 'lobby', simulatedDevices: true, cashIdleSeconds: 10 });

/** Finds demo resident n, asks the fee for $38.05 in cash ($40.00 due) and starts paying. */
async function payCash(page: Page, index: number) {
  await startDeposit(page, harness(), index, '38.05', 'Cash');
  await page.getByRole('button', { name: /Confirm and pay \$40\.00/ }).tap();
  await expect(page.getByText('Amount due: $40.00')).toBeVisible();
  await expect(page.getByText(/This machine gives no change/)).toBeVisible();
  await expect(page.getByText('Insert bills one at a time.')).toBeVisible(); // the acceptor is on
}

async function insertAndAccept(page: Page, cents: number, totalText: string) {
  expect(await harness().simulator.insertBill(cents)).toBe(true);
  await page.getByRole('button', { name: 'Accept bill' }).tap();
  await expect(page.getByText(`Inserted: ${totalText}`, { exact: true })).toBeVisible();
}

const lastReceipt = async () => (await harness().simulator.printed()).at(-1) ?? '';

test('cancel after a bill: the bill is deposited, the screen and the receipt say so', async ({
  page,
}) => {
  await payCash(page, 2);
  await insertAndAccept(page, 2000, '$20.00');
  await expect(page.getByText(/the \$20\.00 you inserted is not lost/)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).tap();
  await expect(page.getByText('Thank you. The deposit was made.')).toBeVisible();
  await expect(page.getByText(/You cancelled before the full amount/)).toBeVisible();
  const facts = page.locator('dl.facts');
  await expect(facts).toContainText('$18.05'); // $20.00 less the $1.95 fee
  await expect(facts).toContainText('$20.00');
  await checkScreen(page, 'lobby-cash-cancelled');
  await expect.poll(lastReceipt).toContain('Cancelled before the full amount');
});

test('cancel before any bill goes back to the start and books nothing', async ({ page }) => {
  const printed = (await harness().simulator.printed()).length;
  await payCash(page, 3);
  await page.getByRole('button', { name: 'Cancel' }).tap();
  await expect(page.getByLabel('DOC number')).toBeVisible();
  expect((await harness().simulator.printed()).length).toBe(printed);
});

test('a visitor who walks away after a bill: the deposit is made and its receipt shown', async ({
  page,
}) => {
  await payCash(page, 4);
  await insertAndAccept(page, 1000, '$10.00');
  await expect(page.getByText(/The payment was left unfinished/)).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('dl.facts')).toContainText('$8.05');
  await expect.poll(lastReceipt).toContain('Left unfinished');
});

test('overpaid: no change, every cent above the total credited and printed', async ({ page }) => {
  await payCash(page, 5);
  await insertAndAccept(page, 2000, '$20.00');
  await insertAndAccept(page, 2000, '$40.00');
  await insertAndAccept(page, 500, '$45.00');
  await page.getByRole('button', { name: 'Done inserting' }).tap();
  await expect(
    page.getByText('No change is given: $5.00 above the total was credited.'),
  ).toBeVisible();
  await expect(page.locator('dl.facts')).toContainText('$43.05');
  await expect.poll(lastReceipt).toMatch(/Above the total, credited to the account\s+\$5\.00/);
});

test('a power cut with a bill in escrow: the screen says the bill was given back', async ({
  page,
}) => {
  await payCash(page, 6);
  expect(await harness().simulator.insertBill(2000)).toBe(true);
  await expect(page.getByText('Bill of $20.00 waiting.')).toBeVisible();
  await harness().simulator.inject({ fault: 'power_cycle', device: 'cash' });
  await expect(
    page.getByText('The bill acceptor restarted. Your $20.00 bill was given back.'),
  ).toBeVisible();
  await expect(page.getByText('Inserted: $0.00', { exact: true })).toBeVisible();
  await checkScreen(page, 'lobby-cash-recovered');
});
