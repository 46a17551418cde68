import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { startStack, type Stack, type StackOptions } from './stack';

/**
 * One stack for the enclosing `describe` block: started before its tests, stopped after them, with the
 * simulator's faults cleared after each test. The stack returned stands for the running one, so read it inside
 * tests and hooks only (hooks registered after this call run after the stack has started).
 */
export function stackForSuite(options: StackOptions = {}): Stack {
  let running: Stack | undefined;
  beforeAll(async () => {
    running = await startStack(options);
  }, 60_000);
  afterEach(() => {
    running?.sim.control.clearFaults();
  });
  afterAll(async () => {
    await running?.stop();
  });
  const current = (): Stack => {
    if (!running) throw new Error('the stack is read outside its suite');
    return running;
  };
  return {
    get apiUrl() {
      return current().apiUrl;
    },
    get sim() {
      return current().sim;
    },
    get db() {
      return current().db;
    },
    get registry() {
      return current().registry;
    },
    get reportSecret() {
      return current().reportSecret;
    },
    get env() {
      return current().env;
    },
    call: (command, data, options) => current().call(command, data, options),
    startWorker: () => current().startWorker(),
    stop: () => current().stop(),
  };
}
