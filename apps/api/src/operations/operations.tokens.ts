export const OPERATIONS = Symbol('OPERATIONS');
export const JOB_QUEUE = Symbol('JOB_QUEUE');
