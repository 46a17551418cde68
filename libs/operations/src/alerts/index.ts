export * from './alerts';
export * from './alert-webhook';
