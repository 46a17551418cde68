export * from './posting';
