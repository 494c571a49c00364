import { z } from 'zod';
import { ENCODED_PIN_HASH } from '../../backend/services/pin-hash';
import { DeviceInfoSchema } from '../../contract/entities';

/**
 * The device configuration facility IT writes (docs/install.md): one JSON file plus HOMELINE_*
 * environment overrides. Every field is checked here, before anything else starts.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
  .transform((value) => new URL(value).href);

const UpdateSettingsSchema = z
  .object({
    /** Release channel on the update feed, e.g. stable, pilot. */
    channel: z
      .string()
      .regex(/^[a-z0-9]{1,32}$/, 'lowercase letters and digits, at most 32')
      .default('stable'),
    /** Defaults to `<centralUrl>/updates/`. Downloads must stay on this host. */
    feedUrl: httpUrl.optional(),
    checkIntervalMinutes: z.number().int().min(5).max(1440).default(60),
    enabled: z.boolean().default(true),
  })
  .strict();

export const ShellConfigSchema = z
  .object({
    profile: DeviceInfoSchema.shape.profile,
    facilityId: z.string().min(1).max(64),
    centralUrl: httpUrl,
    /**
     * The kiosk hardware: logical name -> { class, driver, port, options }, in the shape of
     * hardware/hal/config.ts. The device service validates it in full when the backend starts
     * (the shell may not import the HAL); here it only has to be an object. Tablets have none.
     */
    devices: z.record(z.string(), z.unknown()).default({}),
    updates: UpdateSettingsSchema.prefault({}),
    /**
     * One-time enrollment (docs/install.md): the code from `npm run central -- enroll-code`,
     * traded at start-up for the device's keys when it is not enrolled yet; ignored afterwards.
     */
    enrollment: z
      .object({
        code: z.string().trim().min(4).max(128),
        label: z.string().trim().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
    /**
     * A tablet's serial, as printed on it: the central service assigns the tablet's resident by
     * it (a tablet reads only that resident). Required for tablets, meaningless on kiosks.
     */
    serial: z.string().trim().min(1).max(64).optional(),
    /**
     * The Service screen's PIN, as the `salt:hash` line `npm run service-pin` prints (the PIN
     * itself is never written down on the device). Without it the Service screen stays shut.
     */
    servicePinHash: z
      .string()
      .regex(ENCODED_PIN_HASH, 'the salt:hash line `npm run service-pin` prints')
      .optional(),
    /** Where released tablets are mailed; printed on the release form (lines split by \n). */
    warehouseAddress: z.string().trim().min(1).max(500).optional(),
    /**
     * Only where the OS keystore is unavailable: a 0600 file holding the local store's key
     * (made on first start). An explicit override by facility IT, logged at every start.
     */
    storeKeyFile: z.string().min(1).optional(),
    /**
     * A lab only: accept a plain http:// central service on another machine (anyone on the path
     * could read and rewrite the traffic). Logged as an alert at every start.
     */
    allowInsecureCentralUrl: z.boolean().default(false),
    /** Where the local database and logs live; defaults per OS (see paths.ts). */
    dataDir: z.string().min(1).optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** Developer mode: devtools and reload allowed. Never set on a facility device. */
    development: z.boolean().default(false),
  })
  .strict()
  .refine((config) => config.profile !== 'tablet' || config.serial !== undefined, {
    message: 'a tablet needs its serial (serial, or HOMELINE_SERIAL)',
    path: ['serial'],
  });

export type ShellConfig = z.infer<typeof ShellConfigSchema> & { dataDir: string };
