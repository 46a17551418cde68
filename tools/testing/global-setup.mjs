// Jest loads global setup outside its module system; register the TypeScript loader and hand over.
import { register } from 'node:module';

register('@swc-node/register/esm', import.meta.url);
const { default: globalSetup } = await import('./test-server.ts');
export default globalSetup;
