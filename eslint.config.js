// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';

/**
 * The layering table of docs/architecture.md: each layer and the layers it may import.
 * Everything not listed as allowed (and not the layer itself) is forbidden. `assets/` is data
 * and may be imported by anyone.
 */
const layers = {
  domain: [],
  'electron/contract': ['domain'],
  'electron/backend': [
    'domain',
    'electron/contract',
    'sync/client',
    'sync/protocol',
    'hardware/hal',
    'hardware/drivers',
  ],
  'electron/shell': ['electron/backend', 'electron/contract'],
  'electron/harness': ['electron/backend', 'electron/contract', 'hardware/simulators', 'cli'],
  renderer: ['electron/contract', 'domain'],
  'sync/protocol': ['domain'],
  'sync/client': ['sync/protocol', 'domain'],
  'sync/server': ['sync/protocol', 'domain', 'cli'],
  'sync/processor': ['cli'],
  'hardware/hal': [],
  'hardware/drivers': ['hardware/hal'],
  'hardware/simulators': ['hardware/hal', 'hardware/drivers', 'cli'],
  cli: [],
  'tests/e2e': null,
  'tests/integration': null,
  bench: null,
  scripts: null,
};

const allLayers = Object.keys(layers);
/** Runnable tools (null above) may import anything, but nothing may import them. */
const toolLayers = allLayers.filter((layer) => layers[layer] === null);

const layerZones = allLayers.flatMap((target) => {
  const allowed = layers[target];
  const forbidden =
    allowed === null
      ? []
      : allLayers.filter(
          (other) =>
            other !== target &&
            !allowed.includes(other) &&
            // a parent folder's rule must not forbid its own children
            !other.startsWith(`${target}/`),
        );
  const extraForbidden = allowed === null ? [] : toolLayers.filter((t) => !forbidden.includes(t));
  const from = [...forbidden, ...extraForbidden].map((layer) => `./${layer}`);
  return from.length === 0
    ? []
    : [
        {
          target: `./${target}`,
          from,
          message: `Layering (docs/architecture.md): ${target} may import only ${
            allowed && allowed.length ? allowed.join(', ') : 'nothing of ours'
          }.`,
        },
      ];
});

/** Settings that may never appear in BrowserWindow webPreferences (docs/security.md). */
const forbiddenWebPreferences = [
  ['nodeIntegration', true],
  ['nodeIntegrationInWorker', true],
  ['nodeIntegrationInSubFrames', true],
  ['sandbox', false],
  ['webSecurity', false],
  ['contextIsolation', false],
  ['webviewTag', true],
  ['allowRunningInsecureContent', true],
  ['experimentalFeatures', true],
].map(([key, value]) => ({
  selector: `Property[key.name='${key}'][value.value=${value}]`,
  message: `Electron hardening: '${key}: ${value}' is forbidden (docs/architecture.md, security).`,
}));

/**
 * The central service runs its queries through the typed layer (sync/server/storage/typed.ts,
 * docs/central.md "Typed queries"): a raw call on a transaction or storage, or a raw FOR UPDATE,
 * is refused in its modules so they cannot slide back to unchecked row types. A new module is
 * held from its first line.
 */
const typedQueryModules = ['sync/server/**/*.ts'];
/**
 * Raw on purpose: the storage folder (the adapters and the typed layer are the seam itself; a
 * migration runs against the schema of its own version, which today's types do not describe),
 * tests and their helpers. Raw for now: the pull path's modules, each leaving this list when
 * converted.
 */
const rawQueryModules = [
  'sync/server/storage/**',
  'sync/server/testing/**',
  'sync/server/**/*.test.ts',
  'sync/server/http/device-auth.ts',
  'sync/server/page-signing.ts',
  'sync/server/pull.ts',
];
const rawQueries = [
  {
    selector:
      'CallExpression[callee.property.name=/^(get|all|run)$/][callee.object.name=/^(tx|storage|db|queryable)$/]',
    message: 'Typed queries only here: use typed(tx).all/first/run (docs/central.md).',
  },
  {
    selector:
      "CallExpression[callee.property.name=/^(get|all|run)$/][callee.object.property.name='tx']",
    message: 'Typed queries only here: use typed(work.tx).all/first/run (docs/central.md).',
  },
  {
    selector:
      "CallExpression[callee.property.name=/^(get|all|run)$/][callee.object.property.name='storage']",
    message: 'Typed queries only here: use typed(context.storage).all/first/run (docs/central.md).',
  },
  {
    selector: "MemberExpression[property.name='forUpdate']",
    message: 'Lock rows with .$call(q.lockRows): FOR UPDATE exists on PostgreSQL only.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'release/**',
      'coverage/**',
      'playwright-report/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': ['error', { maxDepth: 8 }],
      'no-restricted-syntax': ['error', ...forbiddenWebPreferences],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Only the Electron shell talks to Electron; everything else must run in plain Node.
    files: ['**/*.{ts,tsx}'],
    ignores: ['electron/shell/**', 'tests/e2e/**', 'scripts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only electron/shell may import electron.' }],
        },
      ],
    },
  },
  {
    // Pure code and browser code: no Node built-ins.
    files: ['domain/**/*.{ts,tsx}', 'renderer/**/*.{ts,tsx}', 'electron/contract/**/*.ts'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Rules that need type information: the TypeScript compiler is asked about each file, so
    // these make the lint several times slower, but they catch a promise nobody awaits, a
    // promise where a callback is expected, a switch that misses a new case of a union, and a
    // cast the compiler no longer needs.
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch that means to handle only some cases says so with a commented `default:`.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  {
    files: typedQueryModules,
    ignores: rawQueryModules,
    rules: { 'no-restricted-syntax': ['error', ...forbiddenWebPreferences, ...rawQueries] },
  },
  {
    // Command-line tools and benchmarks print to the console by design.
    files: ['scripts/**', 'bench/**', 'cli/**', '**/cli.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
