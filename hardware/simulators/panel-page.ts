import { TEST_CARD_NUMBERS } from './card-emulator';
import { FAULT_NAMES, SIMULATED_DEVICES } from './kiosk';

const text = {
  en: {
    title: 'Homeline device simulator',
    card: 'Swipe a test card',
    bill: 'Insert a bill',
    badge: 'Scan a badge',
    scan: 'Scan',
    faults: 'Faults',
    device: 'Device for the faults',
    byDefault: "(the fault's own device)",
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
    device: 'Dispositivo para las fallas',
    byDefault: '(el de cada falla)',
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
  // each group ends in an <output> where the answer of its last button shows
  const cards = Object.keys(TEST_CARD_NUMBERS)
    .map((card) => `<button onclick="post('swipe',{card:'${card}'},this)">${card}</button>`)
    .join(' ');
  const bills = [100, 500, 1000, 2000, 5000, 10000, 200]
    .map((cents) => `<button onclick="post('bill',{cents:${cents}},this)">$${cents / 100}</button>`)
    .join(' ');
  const devices = SIMULATED_DEVICES.map((device) => `<option>${device}</option>`).join('');
  const faults = FAULT_NAMES.map(
    (fault) =>
      `<div>${fault} <button onclick="fault('${fault}',true,this)">${t.on}</button>` +
      ` <button onclick="fault('${fault}',false,this)">${t.off}</button> <output></output></div>`,
  ).join('\n');
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${t.title}</title></head>
<body style="font-family:sans-serif">
<h1>${t.title}</h1><a href="?lang=${other}">${t.other}</a>
<h2>${t.card}</h2><div>${cards} <output></output></div>
<h2>${t.bill}</h2><div>${bills} <output></output></div>
<h2>${t.badge}</h2><div><input id="badge" value="S123456"> <button onclick="post('badge',{badge:document.getElementById('badge').value},this)">${t.scan}</button> <output></output></div>
<h2>${t.faults}</h2><label>${t.device} <select id="device"><option value="">${t.byDefault}</option>${devices}</select></label>
${faults}
<h2>${t.printed}</h2>${printedHtml.map((html) => `<hr>${html}`).join('\n')}
<pre id="out"></pre>
<script>
async function post(path, body, button) {
  const response = await fetch('/api/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = response.status + ' ' + await response.text();
  document.getElementById('out').textContent = answer;
  const output = button && button.parentElement.querySelector('output');
  if (output) output.textContent = answer;
}
function fault(name, on, button) {
  const device = document.getElementById('device').value;
  return post('fault', device ? { fault: name, on, device } : { fault: name, on }, button);
}
</script>
</body></html>`;
}
