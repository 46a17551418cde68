// Runs TypeScript in Node (`node --import ./tools/runtime/register.mjs file.ts`): @swc-node/register resolves the
// tsconfig paths and transpiles with the repository's one SWC configuration, `.swcrc` (Jest reads it too).
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

process.env.SWCRC = 'true';
process.env.SWC_CONFIG_FILE = fileURLToPath(new URL('../../.swcrc', import.meta.url));
register('@swc-node/register/esm', import.meta.url);
