import { Logger } from '@nestjs/common';
import { createApiApp } from './bootstrap';
import { ConfigError, loadApiConfig } from './config/api-config';

try {
  const config = loadApiConfig();
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  new Logger('api').log(`listening on http://${config.host}:${config.port} (docs at /docs)`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
