/**
 * `strangler shadow report --json | head`: once the reader has gone, what is left to print has
 * nobody to read it. The CLI ends quietly then, as `cat` does, instead of dying on an EPIPE stack
 * trace; the status is 0 because the reader chose to stop, not the command.
 */
export function quietOnClosedPipe(proc: Pick<NodeJS.Process, 'stdout' | 'stderr' | 'exit'>): void {
  for (const stream of [proc.stdout, proc.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') proc.exit(0);
      // Any other write failure is a real fault: it is raised as it would have been without a listener.
      else throw e;
    });
  }
}
