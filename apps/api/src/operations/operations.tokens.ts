export const OPERATIONS = Symbol('OPERATIONS');
