import { FeeScheduleEntity } from './fee-schedule.entity';

export { FeeScheduleEntity };

/** Every entity, for the data source (ESM: no glob loading). */
export const entities = [FeeScheduleEntity];
