export default async function globalTeardown() {
  await globalThis.__TIXCLEAR_TEST_PG_STOP__?.();
}
