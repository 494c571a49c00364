import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { defaultPaths } from './paths';
import { ShellConfigSchema, type ShellConfig } from './schema';

/** One thing wrong with the configuration, named by its field and where the value came from. */
export interface ConfigProblem {
  field: string;
  source: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Homeline configuration is invalid:\n${problems
        .map((p) => `  - ${p.field} (${p.source}): ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: ShellConfig;
  /** The file that was read, or null when none exists and everything came from the environment. */
  file: string | null;
  /** HOMELINE_* variables that mean nothing to the shell (likely typos). */
  unknownVariables: string[];
}

export interface LoadOptions {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  readFile?: (path: string) => string;
}

type Convert = (raw: string) => unknown;
const asString: Convert = (raw) => raw;
/** Booleans are spelled true/false or 1/0; anything else stays a string so zod names the field. */
const asBoolean: Convert = (raw) =>
  ({ true: true, '1': true, false: false, '0': false })[raw.toLowerCase()] ?? raw;
const asInteger: Convert = (raw) => (/^-?\d+$/.test(raw) ? Number(raw) : raw);

/** Environment variable -> config path. Documented in docs/install.md. */
const ENV_OVERRIDES: Record<string, { path: string[]; convert: Convert }> = {
  HOMELINE_PROFILE: { path: ['profile'], convert: asString },
  HOMELINE_FACILITY_ID: { path: ['facilityId'], convert: asString },
  HOMELINE_CENTRAL_URL: { path: ['centralUrl'], convert: asString },
  HOMELINE_DATA_DIR: { path: ['dataDir'], convert: asString },
  HOMELINE_SERIAL: { path: ['serial'], convert: asString },
  HOMELINE_SERVICE_PIN_HASH: { path: ['servicePinHash'], convert: asString },
  HOMELINE_STORE_KEY_FILE: { path: ['storeKeyFile'], convert: asString },
  HOMELINE_ALLOW_INSECURE_CENTRAL_URL: { path: ['allowInsecureCentralUrl'], convert: asBoolean },
  HOMELINE_LOG_LEVEL: { path: ['logLevel'], convert: asString },
  HOMELINE_DEVELOPMENT: { path: ['development'], convert: asBoolean },
  HOMELINE_ENROLLMENT_CODE: { path: ['enrollment', 'code'], convert: asString },
  HOMELINE_DEVICE_LABEL: { path: ['enrollment', 'label'], convert: asString },
  HOMELINE_UPDATE_CHANNEL: { path: ['updates', 'channel'], convert: asString },
  HOMELINE_UPDATE_FEED_URL: { path: ['updates', 'feedUrl'], convert: asString },
  HOMELINE_UPDATES_ENABLED: { path: ['updates', 'enabled'], convert: asBoolean },
  HOMELINE_UPDATE_INTERVAL_MINUTES: {
    path: ['updates', 'checkIntervalMinutes'],
    convert: asInteger,
  },
};

/** Names the shell reads itself rather than as config fields. */
const OTHER_VARIABLES = new Set(['HOMELINE_CONFIG']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function setPath(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]!] = value;
}

function readJsonFile(
  file: string,
  explicit: boolean,
  readFile: (path: string) => string,
): Json | null {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // The default file may be absent when the environment carries the whole configuration.
    if (code === 'ENOENT' && !explicit) return null;
    throw new ConfigError([
      { field: '(file)', source: file, message: `cannot be read: ${(error as Error).message}` },
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([
      { field: '(file)', source: file, message: `is not valid JSON: ${(error as Error).message}` },
    ]);
  }
  if (!isObject(parsed)) {
    throw new ConfigError([{ field: '(file)', source: file, message: 'must hold a JSON object' }]);
  }
  return parsed;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys'
    ? `unknown field(s) ${issue.keys.join(', ')}`
    : issue.message;
}

/**
 * Reads the configuration file (HOMELINE_CONFIG, else the OS default), applies HOMELINE_*
 * overrides and validates the result. Throws ConfigError naming every bad field and its source.
 */
export function loadShellConfig(options: LoadOptions): LoadedConfig {
  const { env, platform } = options;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const defaults = defaultPaths(platform, env);
  const explicit = env.HOMELINE_CONFIG !== undefined && env.HOMELINE_CONFIG !== '';
  const file = explicit ? env.HOMELINE_CONFIG! : defaults.configFile;
  const fromFile = readJsonFile(file, explicit, readFile);

  const merged: Json = structuredClone(fromFile ?? {});
  const sources = new Map<string, string>();
  for (const [name, override] of Object.entries(ENV_OVERRIDES)) {
    const raw = env[name];
    if (raw === undefined) continue;
    setPath(merged, override.path, override.convert(raw));
    sources.set(override.path.join('.'), name);
  }

  const parsed = ShellConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const field = issue.path.map(String).join('.') || '(root)';
        const envName = [...sources].find(([path]) => field.startsWith(path))?.[1];
        return {
          field,
          source: envName ?? (fromFile ? file : `${file} (absent) or HOMELINE_* variables`),
          message: describeIssue(issue),
        };
      }),
    );
  }

  const unknownVariables = Object.keys(env).filter(
    (name) =>
      name.startsWith('HOMELINE_') && !(name in ENV_OVERRIDES) && !OTHER_VARIABLES.has(name),
  );
  return {
    config: { ...parsed.data, dataDir: parsed.data.dataDir ?? defaults.dataDir },
    file: fromFile ? file : null,
    unknownVariables,
  };
}
