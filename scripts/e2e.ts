// `npm run test:e2e`: builds the renderer and runs the Playwright suite (tests/e2e) in the
// system Chromium. Says plainly what is missing instead of failing obscurely.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const specs = existsSync('tests/e2e')
  ? readdirSync('tests/e2e').filter((file) => file.endsWith('.spec.ts'))
  : [];
if (specs.length === 0) {
  console.log('e2e: no Playwright specs in tests/e2e yet');
  process.exit(0);
}
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `e2e: no Chromium at ${chromium}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
  );
  process.exit(1);
}
const build = spawnSync('npm', ['run', 'build:renderer'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
