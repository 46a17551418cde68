export * from './admin';
export * from './columns';
export * from './data-source';
export * from './drift';
export * from './embedded-server';
export * from './entities';
export { migrations } from './migrations';
export * from './testing/test-database';
export * from './partners/partner-registry';
