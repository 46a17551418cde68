// Preloaded (`--import`) into every process that `npm start` spawns with an IPC channel. The channel closes when
// the parent dies, however it dies (even SIGKILL); the child then stops too, so that no orphan keeps a port
// from the next start. Registered before the program's own modules load, so no moment is left uncovered.
const stop = () => {
  if (process.listenerCount('SIGTERM') > 0) {
    // The program has a graceful shutdown (NestJS shutdown hooks, the worker's handler): use it, with a limit.
    setTimeout(() => process.exit(0), 10_000).unref();
    process.emit('SIGTERM', 'SIGTERM');
  } else {
    process.exit(0);
  }
};
if (process.send !== undefined) {
  if (!process.connected) stop();
  else process.on('disconnect', stop);
}
