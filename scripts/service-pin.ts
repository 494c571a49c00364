/**
 * `npm run service-pin`: facility IT's Service screen PIN for the device configuration. Reads the
 * PIN from standard input (not from a flag: flags show in `ps` and shell history) and prints the
 * `servicePinHash` line to put in config.json (docs/install.md). Each run salts anew, so the same
 * PIN gives a different line every time; any of them opens the screen.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PinSchema } from '../domain/formats';
import { encodePinHash, hashPin } from '../electron/backend/services/pin-hash';
import { runProgram, UsageError } from '../cli/main';

const USAGE = `npm run service-pin

Type the Service screen PIN (4 to 8 digits) and press Enter (or pipe it in); prints
  "servicePinHash": "<salt:hash>"
for the device's config.json, or the value for HOMELINE_SERVICE_PIN_HASH. Only the hash is
kept on the device.`;

runProgram({ name: 'service-pin', usage: USAGE }, async () => {
  if (process.stdin.isTTY) process.stderr.write('Service PIN: ');
  // One line: typed at the prompt, or piped in.
  const lines = createInterface({ input: process.stdin });
  const [line] = (await Promise.race([once(lines, 'line'), once(lines, 'close')])) as [
    string | undefined,
  ];
  lines.close();
  const pin = PinSchema.safeParse(line?.trim() ?? '');
  if (!pin.success) throw new UsageError('the Service PIN must be 4 to 8 digits');
  console.log(`"servicePinHash": "${encodePinHash(await hashPin(pin.data))}"`);
});
