export * from './voucher';
export * from './purchase';
export * from './gateway-call';
export * from './redemption';
export * from './refund';
export * from './payout-batch';
export * from './payout-item';
