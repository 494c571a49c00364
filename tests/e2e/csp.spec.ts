import { expect, test } from '@playwright/test';
import { buildCsp } from '../../electron/shell/security/csp';
import config from '../../playwright.config';
import { harnessForFile, logIn } from './harness';

const harness = harnessForFile();

// Chromium treats a page whose response Playwright rewrote as outside the loopback network and
// would refuse its WebSocket to 127.0.0.1; this spec is about the CSP, not that check.
const launchOptions = config.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...launchOptions,
    args: [...(launchOptions.args ?? []), '--disable-features=LocalNetworkAccessChecks'],
  },
});

test('the renderer runs under the Electron shell CSP without a single violation', async ({
  page,
}) => {
  // The harness sends no CSP; add the shell's own policy to every page it serves.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const isPage = (response.headers()['content-type'] ?? '').includes('text/html');
    await route.fulfill({
      response,
      headers: isPage
        ? { ...response.headers(), 'content-security-policy': buildCsp() }
        : response.headers(),
    });
  });
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportViolation(text: string): void }).reportViolation;
      report(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });

  await logIn(page, harness(), 8);
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('button', { name: 'Inbox' }).tap();
  await page.getByText('Fotos del cumpleaños').tap();
  await page.getByRole('button', { name: 'Show photo' }).tap();
  await expect(page.getByRole('img', { name: /Photo attached by/ })).toBeVisible();
  await nav.getByRole('button', { name: 'Write' }).tap();
  await page.getByLabel('Subject').tap();
  await expect(page.getByRole('region', { name: 'On-screen keyboard' })).toBeVisible();
  expect(violations).toEqual([]);
});
