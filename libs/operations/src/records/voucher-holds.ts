import { VoucherEntity } from '@tixclear/db';
import type { EntityManager } from 'typeorm';
import { OperationError, OperationErrorCode } from '../errors';

export interface VoucherRef {
  id: string;
  serial_number: string;
}

/**
 * Moves every named voucher `issued → <holding>` for one operation, or refuses the whole request. The
 * conditional UPDATE is the lock: of two concurrent operations on a voucher, the second waits for the first's
 * row lock, then finds the voucher no longer `issued`. Throwing rolls back the caller's transaction, so a
 * refused request leaves nothing behind.
 */
export async function holdVouchers(
  tx: EntityManager,
  partnerId: string,
  operationId: string,
  items: readonly VoucherRef[],
  holding: 'redeeming' | 'refunding',
): Promise<void> {
  const held = await tx
    .createQueryBuilder()
    .update(VoucherEntity)
    .set({ state: holding, holderOperationId: operationId })
    .where('partner_id = :partnerId AND serial_number IN (:...serials) AND state = :issued', {
      partnerId,
      serials: items.map((i) => i.serial_number),
      issued: 'issued',
    })
    .returning('serial_number, item_id')
    .execute();
  const heldItem = new Map(
    (held.raw as { serial_number: string; item_id: string }[]).map((r) => [r.serial_number, r.item_id]),
  );
  for (const [index, item] of items.entries()) {
    const itemId = heldItem.get(item.serial_number);
    if (itemId === undefined) {
      const voucher = await tx
        .getRepository(VoucherEntity)
        .findOneBy({ partnerId, serialNumber: item.serial_number });
      throw new OperationError(
        voucher ? OperationErrorCode.VoucherUnavailable : OperationErrorCode.RequestInvalid,
        voucher ? `voucher ${item.serial_number} is ${voucher.state}` : `no voucher ${item.serial_number}`,
        `items[${index}].serial_number`,
      );
    }
    if (itemId !== item.id) {
      throw new OperationError(
        OperationErrorCode.RequestInvalid,
        `voucher ${item.serial_number} belongs to item ${itemId}`,
        `items[${index}].id`,
      );
    }
  }
}

/** Moves the vouchers an operation holds from any of `from` to `to` (`issued` frees them). */
export async function moveHeldVouchers(
  tx: EntityManager,
  operationId: string,
  from: readonly string[],
  to: string,
): Promise<void> {
  await tx
    .createQueryBuilder()
    .update(VoucherEntity)
    .set(to === 'issued' ? { state: to, holderOperationId: null } : { state: to })
    .where('holder_operation_id = :op AND state IN (:...from)', { op: operationId, from })
    .execute();
}
