import { createApiApp } from './bootstrap';
import { ConfigError, loadApiConfig } from './config/api-config';

try {
  const config = loadApiConfig();
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  console.log(`api listening on http://${config.host}:${config.port}`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
