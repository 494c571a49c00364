import { TEST_CARD_NUMBERS } from './card-emulator';
import { FAULT_NAMES } from './kiosk';

const text = {
  en: {
    title: 'Homeline device simulator',
    card: 'Swipe a test card',
    bill: 'Insert a bill',
    badge: 'Scan a badge',
    scan: 'Scan',
    faults: 'Faults',
    on: 'on',
    off: 'off',
    printed: 'Printed receipts',
    other: 'Español',
  },
  es: {
    title: 'Simulador de dispositivos Homeline',
    card: 'Pasar una tarjeta de prueba',
    bill: 'Insertar un billete',
    badge: 'Escanear una credencial',
    scan: 'Escanear',
    faults: 'Fallas',
    on: 'activar',
    off: 'quitar',
    printed: 'Recibos impresos',
    other: 'English',
  },
} as const;

/** The tester's panel: buttons that call the JSON API, and the receipts printed so far. */
export function panelPage(locale: 'en' | 'es', printedHtml: string[]): string {
  const t = text[locale];
  const other = locale === 'en' ? 'es' : 'en';
  const cards = Object.keys(TEST_CARD_NUMBERS)
    .map((card) => `<button onclick="post('swipe',{card:'${card}'})">${card}</button>`)
    .join(' ');
  const bills = [100, 500, 1000, 2000, 5000, 10000, 200]
    .map((cents) => `<button onclick="post('bill',{cents:${cents}})">$${cents / 100}</button>`)
    .join(' ');
  const faults = FAULT_NAMES.map(
    (fault) =>
      `<div>${fault} <button onclick="post('fault',{fault:'${fault}',on:true})">${t.on}</button>` +
      ` <button onclick="post('fault',{fault:'${fault}',on:false})">${t.off}</button></div>`,
  ).join('\n');
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${t.title}</title></head>
<body style="font-family:sans-serif">
<h1>${t.title}</h1><a href="?lang=${other}">${t.other}</a>
<h2>${t.card}</h2>${cards}
<h2>${t.bill}</h2>${bills}
<h2>${t.badge}</h2><input id="badge" value="S123456"> <button onclick="post('badge',{badge:document.getElementById('badge').value})">${t.scan}</button>
<h2>${t.faults}</h2>${faults}
<h2>${t.printed}</h2>${printedHtml.map((html) => `<hr>${html}`).join('\n')}
<pre id="out"></pre>
<script>
async function post(path, body) {
  const response = await fetch('/api/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  document.getElementById('out').textContent = response.status + ' ' + await response.text();
}
</script>
</body></html>`;
}
