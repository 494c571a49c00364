import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Every screen: zero axe violations (WCAG 2.1 AA rules and 7:1 text contrast), every control
 * (the on-screen keyboard's keys included) at least 48px in both
 * directions for touch, and a screenshot in test-results/screens for a human to look at.
 */
export async function checkScreen(page: Page, name: string) {
  await page.waitForLoadState('networkidle');
  // a lazy screen is checked once it is there, not its loading placeholder
  await expect(page.locator('h1').first()).toBeAttached();
  const { violations } = await new AxeBuilder({ page })
    // wcag2aaa brings axe's enhanced contrast rule: text at 7:1, as the design tokens promise.
    .withTags(['wcag2a', 'wcag2aa', 'wcag2aaa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  expect(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    name,
  ).toEqual([]);
  const small = await page.$$eval(
    'button, a[href], input, textarea, select, summary, .hg-button',
    (els) =>
      els
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ el, box }) => {
          const checkable = el instanceof HTMLInputElement && /radio|checkbox/.test(el.type);
          // A radio or checkbox is operated through its whole label row, which is checked instead.
          const target = checkable ? (el.closest('label')?.getBoundingClientRect() ?? box) : box;
          return target.height < 48 || target.width < 48;
        })
        .map(({ el }) => el.outerHTML.slice(0, 80)),
  );
  expect(small, `${name}: touch targets under 48px`).toEqual([]);
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}
