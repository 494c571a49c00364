import { config } from 'zod';

// Must run before any schema is built (main.tsx imports it first): zod's JIT probes
// `new Function`, which the shell's CSP (no 'unsafe-eval') reports as a violation.
config({ jitless: true });
