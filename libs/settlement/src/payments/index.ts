export * from './posting';
export * from './reconcile-payments';
