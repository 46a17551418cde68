export * from './errors';
export * from './hold-actions';
