import { expect, test, type Page } from '@playwright/test';
import { demoResident } from './demo-resident';
import { FORM_FACTORS, logInAnyLanguage, openMenu } from './form-factors';
import { harnessForFile, tapPin } from './harness';
import { doubleTapInOneFrame, recordCalls } from './taps';

const harness = harnessForFile();

/** Taps one key of the on-screen keyboard, as a finger would (no physical key events). */
async function tapKey(page: Page, key: string) {
  await page.locator(`.keyboard .hg-button[data-skbtn="${key}"]`).tap();
}

for (const [formFactor, viewport] of Object.entries(FORM_FACTORS)) {
  test.describe(formFactor, () => {
    test.use({ viewport });

    test('log in by touch alone: state picker, code keys, PIN pad, Enter submits', async ({
      page,
    }) => {
      const resident = demoResident(harness(), 0);
      await page.goto(harness().url);
      await tapPin(page, resident.pin);
      await page.locator('input[name=state]').tap();
      await tapKey(page, resident.state);
      await expect(page.locator('input[name=state]')).toHaveValue(resident.state);
      await page.locator('input[name=docNumber]').tap();
      const keys = page.locator('.keyboard .hg-button');
      // Every key is at least 60 px tall and wide, and the field stays above the keyboard.
      for (const box of await keys.evaluateAll((all) =>
        all.map((key) => key.getBoundingClientRect().toJSON() as DOMRect),
      )) {
        expect(box.height).toBeGreaterThanOrEqual(60);
        expect(box.width).toBeGreaterThanOrEqual(60);
      }
      for (const char of resident.docNumber) await tapKey(page, char);
      const field = await page.locator('input[name=docNumber]').boundingBox();
      const keyboard = await page.locator('.keyboard').boundingBox();
      expect(field!.y + field!.height).toBeLessThanOrEqual(keyboard!.y);
      // Nothing (the action bar, say) lies over the field being typed.
      const uncovered = await page.locator('input[name=docNumber]').evaluate((input) => {
        const box = input.getBoundingClientRect();
        return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === input;
      });
      expect(uncovered).toBe(true);
      await expect(page.locator('.keyboard .echo-value')).toHaveText(resident.docNumber);
      await tapKey(page, '{enter}');
      await expect(page.locator('nav.main-nav')).toBeVisible();
    });
  });
}

test('shift is one-shot, Spanish letters type, Send stays on screen above the keyboard', async ({
  page,
}) => {
  await page.setViewportSize(FORM_FACTORS['kiosk-landscape']);
  await page.goto(harness().url);
  await logInAnyLanguage(page, harness(), 1);
  await openMenu(page, 2);
  await page.locator('input[name=subject]').tap();
  // After Shift and one capital the small letters are back: 'o' is only on the small layout.
  for (const key of ['{shift}', 'H', 'o', 'l', 'a', '{space}', 'ñ', 'ü', '¿', '¡']) {
    await tapKey(page, key);
  }
  await expect(page.locator('input[name=subject]')).toHaveValue('Hola ñü¿¡');
  await expect(page.locator('.action-bar button[type=submit]')).toBeInViewport();
});

test('a double tap in one frame sends one message', async ({ page }) => {
  const calls = recordCalls(page);
  await page.goto(harness().url);
  await logInAnyLanguage(page, harness(), 6);
  await openMenu(page, 2);
  await page.locator('input[type=radio]').first().check();
  await page.locator('textarea[name=body]').fill('One message, however often Send is tapped.');
  await expect(page.locator('.action-bar button[type=submit]')).toBeEnabled();
  await doubleTapInOneFrame(page, '.action-bar button[type=submit]');
  await expect(page.getByText(/^Pending: it will be sent/)).toBeVisible();
  await openMenu(page, 1);
  await page.getByRole('button', { name: 'Sent', exact: true }).tap();
  await expect(
    page.locator('.list-item', { hasText: 'One message, however often Send is tapped.' }),
  ).toHaveCount(1);
  expect(calls.count('mail.send')).toBe(1);
  expect(calls.keys('mail.send')[0]).toMatch(/^[0-9a-f-]{36}$/);
});

test('a double tap in one frame buys one bundle of stamps', async ({ page }) => {
  const calls = recordCalls(page);
  await page.goto(harness().url);
  await logInAnyLanguage(page, harness(), 7);
  await openMenu(page, 3);
  await expect(page.locator('main .big-number').first()).toBeVisible();
  await page.locator('input[name=bundle]').first().check();
  await page.locator('input[name=payBy]').first().check();
  await doubleTapInOneFrame(page, 'main .button.primary');
  await expect(page.getByText(/^Bought \d+ stamps/)).toBeVisible();
  expect(calls.count('stamps.purchase')).toBe(1);
  // the next purchase on the same screen is a new action: a new key
  await doubleTapInOneFrame(page, 'main .button.primary');
  await expect.poll(() => calls.count('stamps.purchase')).toBe(2);
  const [first, second] = calls.keys('stamps.purchase');
  expect(first).toMatch(/^[0-9a-f-]{36}$/);
  expect(second).not.toBe(first);
});
