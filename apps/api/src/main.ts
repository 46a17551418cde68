import { Logger } from '@nestjs/common';
import { createLogger } from '@tixclear/logging';
import { createApiApp } from './bootstrap';
import { ConfigError, loadApiConfig } from './config/api-config';

try {
  const config = loadApiConfig();
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  new Logger('api').log(`listening on http://${config.host}:${config.port} (docs at /docs)`);
} catch (error) {
  const log = createLogger({ name: 'api' });
  if (error instanceof ConfigError) log.fatal(error.message);
  else log.fatal({ err: error }, 'start failed');
  process.exit(1);
}
