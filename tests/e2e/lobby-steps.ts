import type { Page } from '@playwright/test';
import { demoResident } from './demo-resident';
import type { RunningHarness } from './harness';

/** Finds demo resident n at the lobby kiosk, confirms them, and asks the fee of `dollars` by `method`. */
export async function startDeposit(
  page: Page,
  harness: RunningHarness,
  index: number,
  dollars: string,
  method: 'Card' | 'Cash',
) {
  const resident = demoResident(harness, index);
  await page.goto(harness.url);
  await page.getByLabel('State').fill(resident.state);
  await page.getByLabel('DOC number').fill(resident.docNumber);
  await page.getByRole('button', { name: 'Find' }).tap();
  await page.getByRole('button', { name: 'Yes, continue' }).tap();
  await page.getByLabel('Amount in dollars').fill(dollars);
  await page.getByLabel('Your name').fill('Linda Carter');
  await page.getByRole('radio', { name: new RegExp(`^${method}`) }).check();
  await page.getByRole('button', { name: 'See the fee' }).tap();
}
