import { ReconciliationError, ReconciliationErrorCode } from './errors';
import type { GatewayFiguresSource } from './ports';
import { simulatorSource } from './simulator-source';
import { statementDirectorySource } from './statement-source';

/**
 * The gateway's figures' source from its configuration text (`RECONCILE_SOURCE`, `--source`):
 * `statements:<directory>` (production: the imported daily statements) or `simulator:<control url>` (the gateway
 * simulator's holdings, for development, the demo and the simulation).
 */
export function figuresSourceFrom(spec: string): GatewayFiguresSource {
  const colon = spec.indexOf(':');
  const [scheme, rest] = colon < 0 ? [spec, ''] : [spec.slice(0, colon), spec.slice(colon + 1)];
  if (scheme === 'statements' && rest !== '') return statementDirectorySource(rest);
  if (scheme === 'simulator' && /^https?:\/\/[^/]+/.test(rest)) return simulatorSource(rest);
  throw new ReconciliationError(
    ReconciliationErrorCode.SourceInvalid,
    `the gateway's figures come from statements:<directory> or simulator:<control url>, not ${JSON.stringify(spec)}`,
    'source',
  );
}
