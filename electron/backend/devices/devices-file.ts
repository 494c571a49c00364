import { readFileSync } from 'node:fs';
import { DeviceConfigError } from '../../../hardware/hal';

/**
 * Reads a devices file: `{ "devices": { <logical-name>: { class, driver, port, options } } }`,
 * the shape of the shell configuration's `devices` field and of the file `npm run sim` writes.
 * A file that cannot be read or is not JSON is a DeviceConfigError here; everything inside it is
 * then checked by the device service exactly as for the shell (same schema, same drivers, same
 * DeviceConfigError naming each problem). Who writes it: a developer or tester on their own
 * machine; the harness reads it once at start and never writes it.
 */
export function readDevicesFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new DeviceConfigError(`devices file ${path} cannot be read (${reason})`, [
      `(file): ${reason}`,
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = (error as Error).message;
    throw new DeviceConfigError(`devices file ${path} is not valid JSON: ${reason}`, [
      `(file): ${reason}`,
    ]);
  }
}
