export * from './clear-all';
export * from './clearing';
