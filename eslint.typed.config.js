// @ts-check
/**
 * The main lint plus rules that need type information (issue 14, item 9). Kept apart from
 * eslint.config.js until every file passes; run with `npx eslint -c eslint.typed.config.js .`.
 * These rules ask the TypeScript compiler about each file, so this run is far slower than the
 * plain lint.
 */
import tseslint from 'typescript-eslint';
import mainConfig from './eslint.config.js';

export default tseslint.config(...mainConfig, {
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
    '@typescript-eslint/switch-exhaustiveness-check': 'error',
    '@typescript-eslint/no-unnecessary-type-assertion': 'error',
  },
});
