// Jest loads global setup outside its module system: the repository's TypeScript loader, then the setup itself.
import '../runtime/register.mjs';

const { default: globalSetup } = await import('./test-server.ts');
export default globalSetup;
