export * from './errors';
export * from './periods';
