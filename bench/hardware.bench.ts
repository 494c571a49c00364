/**
 * Hardware figures over the simulated serial line with real byte timing:
 * - swipe-to-event latency at 9600 baud, beside the wire time of the swipe's bytes;
 * - receipts printed per minute at 38400 baud (link-limited: the emulator prints instantly).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CardReader, ReceiptPrinter, type CardResult } from '../hardware/hal';
import { MagstripeDriver, MagstripeOptionsSchema } from '../hardware/drivers/card/magstripe-driver';
import { EscPosDriver, EscPosOptionsSchema } from '../hardware/drivers/printer/escpos-driver';
import { buildReceiptDocument } from '../electron/backend/receipts/receipt-documents';
import { renderEscPos } from '../hardware/drivers/printer/escpos-render';
import { SimBinding } from '../hardware/simulators/binding';
import { CardReaderEmulator, encodeSwipe } from '../hardware/simulators/card-emulator';
import { PrinterEmulator } from '../hardware/simulators/printer-emulator';

/** The machine's 1-minute load average, printed beside each figure (a shared machine skews them). */
const load = () => `load ${loadavg()[0]!.toFixed(2)}`;

/** A figure that misses its target makes the run fail. */
const check = (ok: boolean) => {
  if (!ok) process.exitCode = 1;
  return ok ? '' : '  MISSED';
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function swipeLatency(): Promise<void> {
  const baudRate = 9600;
  const binding = new SimBinding();
  const wire = binding.wire('card');
  // a USB-serial adapter hands bytes over in small bursts
  wire.profile = { baudRate, fragmentSize: 16 };
  const emulator = new CardReaderEmulator(wire);
  const reader = new CardReader(
    'card',
    new MagstripeDriver(
      { path: 'card', baudRate, binding, parity: 'none' },
      MagstripeOptionsSchema.parse({}),
    ),
  );
  await reader.open();
  await reader.claim();
  const swipe = { card: 'visa', name: 'BENCH/TEST' } as const;
  const bytes = encodeSwipe(swipe, emulator.format).length;
  const wireMs = (bytes * 10_000) / baudRate;
  const latencies: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    await reader.enable();
    const start = performance.now();
    const read = new Promise<CardResult>((resolve) => reader.once('data', resolve));
    emulator.swipe(swipe);
    await read;
    latencies.push(performance.now() - start);
  }
  await reader.close();
  const overhead = latencies.map((latency) => latency - wireMs);
  console.log(`swipe: ${bytes} bytes at ${baudRate} baud, wire time ${wireMs.toFixed(1)} ms`);
  console.log(
    `  swipe-to-event latency  median ${percentile(latencies, 50)!.toFixed(1)} ms, p95 ${percentile(latencies, 95)!.toFixed(1)} ms   (${load()})`,
  );
  const beyond = percentile(overhead, 50)!;
  console.log(
    `  beyond the wire time    median ${beyond.toFixed(1)} ms, p95 ${percentile(overhead, 95)!.toFixed(1)} ms   (target: < 50 ms; ${load()})${check(beyond < 50)}`,
  );
}

async function receiptsPerMinute(): Promise<void> {
  const baudRate = 38400;
  const binding = new SimBinding();
  const wire = binding.wire('printer');
  wire.profile = { baudRate, fragmentSize: 64 };
  const emulator = new PrinterEmulator(wire);
  const printer = new ReceiptPrinter(
    'printer',
    new EscPosDriver(
      { path: 'printer', baudRate, binding, parity: 'none' },
      EscPosOptionsSchema.parse({ heartbeatMs: 60_000 }),
    ),
  );
  await printer.open();
  await printer.claim();
  await printer.enable();
  const document = buildReceiptDocument({
    kind: 'deposit',
    facilityName: 'Bench County Jail',
    deviceId: 'kiosk-bench',
    at: new Date().toISOString(),
    locale: 'es',
    depositId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    residentName: 'José Núñez',
    depositorName: 'María Pérez',
    supportPhone: '+1 800 555 0199',
    docNumber: 'S123456',
    amountCents: 2000,
    feeCents: 295,
    totalCents: 2295,
    payment: { method: 'card', card: { brand: 'visa', last4: '1111' } },
  });
  const job = renderEscPos(document, { profile: 'escpos-generic', paper: '80mm' });
  const count = 20;
  const start = performance.now();
  for (let i = 0; i < count; i += 1) await printer.print(document);
  const elapsed = performance.now() - start;
  await printer.close();
  const perMinute = (count / elapsed) * 60_000;
  const wireBound = (baudRate / 10 / job.length) * 60;
  console.log(
    `receipt: ${job.length} bytes at ${baudRate} baud (printed: ${emulator.printed().length})`,
  );
  console.log(
    `  receipts per minute     ${perMinute.toFixed(0)} (wire-limited bound ${wireBound.toFixed(0)})   (target: >= 30; ${load()})${check(perMinute >= 30)}`,
  );
  console.log(
    `  time per receipt        ${(elapsed / count).toFixed(1)} ms incl. status checks before and after`,
  );
}

await swipeLatency();
await receiptsPerMinute();
