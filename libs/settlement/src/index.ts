export * from './accounts';
export * from './clearing';
export * from './ports';
export * from './posting';
export * from './run-states';
export * from './settlement-runner';
export * from './summary';
