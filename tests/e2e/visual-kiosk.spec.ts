import { expect, test, type Page } from '@playwright/test';
import { chooseLanguage, eachFormFactor, logInAnyLanguage, lookAt, openMenu } from './form-factors';
import { harnessForFile, type RunningHarness } from './harness';

const harness = harnessForFile();

/** Each resident screen reached from a fresh login; one screen per test. */
const RESIDENT_SCREENS: [string, (page: Page) => Promise<void>][] = [
  ['home', async (page) => void (await expect(page.locator('main h1')).toBeVisible())],
  [
    'inbox',
    async (page) => {
      await openMenu(page, 1);
      await expect(page.locator('main .list-item').first()).toBeVisible();
    },
  ],
  [
    'message',
    async (page) => {
      await openMenu(page, 1);
      await page.getByText('Noticias de la familia').tap();
      await expect(page.getByRole('heading', { name: 'Noticias de la familia' })).toBeVisible();
    },
  ],
  [
    'message-rejected',
    async (page) => {
      await openMenu(page, 1);
      await page.locator('main [role=group] button').nth(1).tap();
      await page.getByText('Address for the package').tap();
      await expect(page.locator('main .notice.info')).toBeVisible();
    },
  ],
  [
    'compose-keyboard',
    async (page) => {
      await openMenu(page, 2);
      await page.locator('input[type=radio]').first().check();
      await page.locator('textarea[name=body]').tap();
      await expect(page.locator('.keyboard .hg-button').first()).toBeVisible();
    },
  ],
  [
    'stamps',
    async (page) => {
      await openMenu(page, 3);
      await expect(page.locator('main .big-number').first()).toBeVisible();
    },
  ],
  [
    'tickets',
    async (page) => {
      await openMenu(page, 4);
      await expect(page.locator('input[name=tabletSerial], main h1').first()).toBeVisible();
    },
  ],
  [
    'account',
    async (page) => {
      await openMenu(page, 5);
      await expect(page.locator('main .big-number').first()).toBeVisible();
    },
  ],
  [
    'help',
    async (page) => {
      await openMenu(page, 6);
      await page.locator('details.faq summary').first().tap();
    },
  ],
];

async function start(page: Page, running: RunningHarness, language: 'en' | 'es') {
  await page.goto(running.url);
  await expect(page.locator('main h1')).toBeVisible();
  await chooseLanguage(page, language);
}

eachFormFactor(['kiosk-portrait', 'kiosk-landscape'], (formFactor, language) => {
  test('login', async ({ page }) => {
    await start(page, harness(), language);
    await lookAt(page, `login-${formFactor}-${language}`);
  });

  test('login with the state picker open', async ({ page }) => {
    await start(page, harness(), language);
    await page.locator('input[name=state]').tap();
    await expect(page.locator('.keyboard .hg-button').first()).toBeVisible();
    await lookAt(page, `login-states-${formFactor}-${language}`);
  });

  for (const [name, reach] of RESIDENT_SCREENS) {
    test(name, async ({ page }) => {
      await start(page, harness(), language);
      await logInAnyLanguage(page, harness(), 2);
      await reach(page);
      await lookAt(page, `${name}-${formFactor}-${language}`);
    });
  }
});
