import { expect, test } from '@playwright/test';
import { chooseLanguage, eachFormFactor, logInAnyLanguage, lookAt, openMenu } from './form-factors';
import { harnessForFile } from './harness';

const harness = harnessForFile({ profile: 'tablet' });

/** The resident tablet at 800x1280: the menu items it shows, one screen per test. */
const MENU = ['home', 'inbox', 'compose', 'stamps', 'tickets', 'account'] as const;

eachFormFactor(['tablet'], (formFactor, language) => {
  test('login', async ({ page }) => {
    await page.goto(harness().url);
    await chooseLanguage(page, language);
    await lookAt(page, `login-${formFactor}-${language}`);
  });

  MENU.forEach((name, index) => {
    test(name, async ({ page }) => {
      await page.goto(harness().url);
      await chooseLanguage(page, language);
      await logInAnyLanguage(page, harness(), 4);
      await openMenu(page, index);
      await expect(page.locator('main h1')).toBeVisible();
      await page.waitForLoadState('networkidle');
      await lookAt(page, `${name}-${formFactor}-${language}`);
    });
  });

  test('message-rejected', async ({ page }) => {
    await page.goto(harness().url);
    await chooseLanguage(page, language);
    await logInAnyLanguage(page, harness(), 4);
    await openMenu(page, MENU.indexOf('inbox'));
    await page.locator('main [role=group] button').nth(1).tap();
    await page.getByText('Address for the package').tap();
    await expect(page.locator('main .notice.info')).toBeVisible();
    await lookAt(page, `message-rejected-${formFactor}-${language}`);
  });
});
