import { OperationEntity, type PartnerContext } from '@tixclear/db';
import { In, type DataSource } from 'typeorm';
import { OperationError, OperationErrorCode } from '../errors';

/** The partner's operation for `orderId` among `commands`, or a `100` naming `order_id`. */
export async function findOperation(
  dataSource: DataSource,
  partner: PartnerContext,
  orderId: string,
  commands: readonly string[],
): Promise<OperationEntity> {
  const operation = await dataSource
    .getRepository(OperationEntity)
    .findOneBy({ partnerId: partner.partner.id, orderId, command: In([...commands]) });
  if (!operation) throw new OperationError(OperationErrorCode.OrderNotFound, 'no such order', 'order_id');
  return operation;
}
