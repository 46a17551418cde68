import { Initial1795307684238 } from './1795307684238-initial';

/** In order; TypeORM runs the ones not yet recorded in the `migrations` table. */
export const migrations = [Initial1795307684238];
