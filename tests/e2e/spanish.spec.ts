import { expect, test, type Page } from '@playwright/test';
import { checkScreen } from './checks';
import { demoResident } from './demo-resident';
import { harnessForFile, tapPin } from './harness';

const harness = harnessForFile();

/** Chooses Spanish on the start screen and signs the resident in; one screen per test after. */
async function signInInSpanish(page: Page) {
  const resident = demoResident(harness(), 6);
  await page.goto(harness().url);
  await page.getByRole('button', { name: 'Español' }).tap();
  await expect(page.getByRole('heading', { name: 'Bienvenido' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await page.getByLabel('Estado').fill(resident.state);
  await page.getByLabel('Número DOC').fill(resident.docNumber);
  // The keyboard of the DOC field covers part of the PIN pad on a short screen: close it.
  await page.getByRole('button', { name: 'Listo' }).tap();
  await tapPin(page, resident.pin);
  await page.getByRole('button', { name: 'Iniciar sesión' }).tap();
  await expect(page.getByRole('heading', { name: 'Hola, David' })).toBeVisible();
  return page.getByRole('navigation', { name: 'Menú principal' });
}

test('a resident signs in in Spanish and sees the home screen in Spanish', async ({ page }) => {
  await signInInSpanish(page);
  await expect(page.getByText('20 disponibles')).toBeVisible();
  await checkScreen(page, 'es-home');
});

test('search and reply work in Spanish', async ({ page }) => {
  const nav = await signInInSpanish(page);
  await nav.getByRole('button', { name: 'Bandeja' }).tap();
  await page.getByLabel('Buscar mensajes').fill('cumpleaños');
  await page.getByRole('button', { name: 'Buscar', exact: true }).tap();
  await expect(page.getByRole('heading', { name: 'Resultados para «cumpleaños»' })).toBeVisible();
  await page.getByText('Fotos del cumpleaños').tap();
  await expect(page.getByRole('button', { name: 'Ver foto' })).toBeVisible();
  await page.getByRole('button', { name: 'Responder' }).tap();
  await expect(page.getByRole('heading', { name: 'Responder' })).toBeVisible();
  await expect(page.getByText(/Total: 1 sello$/)).toBeVisible();
  await page.getByLabel('Mensaje', { exact: true }).fill('¡Qué bonitas fotos! Gracias.');
  await page.getByRole('button', { name: 'Listo' }).tap();
  await page.getByRole('button', { name: 'Enviar', exact: true }).tap();
  await expect(
    page.getByText('Pendiente: se enviará cuando el equipo vuelva a tener conexión.'),
  ).toBeVisible();
  await checkScreen(page, 'es-sent');
});

test('tablet help suggests steps in Spanish', async ({ page }) => {
  const nav = await signInInSpanish(page);
  await nav.getByRole('button', { name: 'Ayuda con la tableta' }).tap();
  await page.getByLabel('Describa el problema').fill('La tableta no carga la batería');
  await page.getByRole('button', { name: 'Ver los pasos sugeridos' }).tap();
  await expect(page.getByRole('heading', { name: 'Pruebe primero estos pasos' })).toBeVisible();
  await checkScreen(page, 'es-suggestions');
});

test('after logout the next person starts in the default language', async ({ page }) => {
  const nav = await signInInSpanish(page);
  await nav.getByRole('button', { name: 'Preguntas' }).tap();
  await expect(page.getByRole('heading', { name: 'Preguntas frecuentes' })).toBeVisible();
  await page.getByRole('button', { name: 'Cerrar sesión' }).tap();
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});
