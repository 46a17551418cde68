export * from './audit';
export * from './operator-accounts';
export * from './password';
export * from './secrets';
export * from './sign-in-limits';
