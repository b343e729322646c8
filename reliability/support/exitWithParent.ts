/**
 * Loaded into every child process the reliability suite starts (`node --import`). The test process
 * holds the other end of an IPC channel; when it dies, however it dies (a timeout, SIGKILL), the
 * channel closes and the child dies too, so no server outlives a failed run.
 */
if (process.channel !== undefined) {
  // The channel must not keep an otherwise finished child alive.
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
