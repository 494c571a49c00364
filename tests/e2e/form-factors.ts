import { expect, test, type Page } from '@playwright/test';
import { demoResident } from './demo-resident';
import { checkScreen } from './checks';
import { tapPin, type RunningHarness } from './harness';

/** The screens we ship on: two kiosk orientations and the resident tablet. */
export const FORM_FACTORS = {
  'kiosk-portrait': { width: 1080, height: 1920 },
  'kiosk-landscape': { width: 1920, height: 1080 },
  tablet: { width: 800, height: 1280 },
} as const;
export type FormFactor = keyof typeof FORM_FACTORS;
const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Switches the language with the header's switch, by touch. */
export async function chooseLanguage(page: Page, language: Language) {
  await page
    .getByRole('group', { name: /^(Language|Idioma)$/ })
    .getByRole('button', { name: language === 'es' ? 'Español' : 'English' })
    .tap();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/** Logs in with the fields' names, so it works in either language. */
export async function logInAnyLanguage(page: Page, harness: RunningHarness, index: number) {
  const resident = demoResident(harness, index);
  await page.locator('input[name=state]').fill(resident.state);
  await page.locator('input[name=docNumber]').fill(resident.docNumber);
  // The field's keyboard can cover the PIN pad (a short screen): close it, as a person would.
  await page.getByRole('button', { name: /^(Done|Listo)$/ }).tap();
  await tapPin(page, resident.pin);
  await page.locator('form button[type=submit]').tap();
  await page.locator('nav.main-nav').waitFor();
}

/** Opens the n-th item of the resident menu (home, inbox, write, stamps, help, account, questions). */
export async function openMenu(page: Page, index: number) {
  await page.locator('nav.main-nav button').nth(index).tap();
}

/**
 * One screen at one form factor in one language: axe and the touch-size check (checks.ts), then
 * the screenshot against its committed baseline. Dates and times are hidden (screenshot.css); the
 * comparison tolerates font antialiasing differences.
 */
export async function lookAt(page: Page, name: string) {
  await page.evaluate(() => document.fonts.ready);
  await checkScreen(page, name);
  await expect(page).toHaveScreenshot(`${name}.png`, {
    stylePath: 'tests/e2e/screenshot.css',
    maxDiffPixelRatio: 0.01,
    threshold: 0.3,
    animations: 'disabled',
    caret: 'hide',
  });
}

/** test.describe per form factor and language, each with its viewport and a slow-enough limit. */
export function eachFormFactor(
  formFactors: readonly FormFactor[],
  body: (formFactor: FormFactor, language: Language) => void,
) {
  for (const formFactor of formFactors) {
    for (const language of LANGUAGES) {
      test.describe(`${formFactor} ${language}`, () => {
        test.use({ viewport: FORM_FACTORS[formFactor] });
        body(formFactor, language);
      });
    }
  }
}
