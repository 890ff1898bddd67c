import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The line a bench child prints once it listens; `processes.ts` waits for it to learn the port. */
export const LISTENING_PREFIX = 'LISTENING ';

/** Reads `--name value` from argv; the bench children take only a couple of flags, so no parser is needed. */
export function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Announces the port the OS chose (we listen on port 0 so parallel runs never collide). */
export function announcePort(server: Server): void {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${LISTENING_PREFIX}${port}\n`);
}

/**
 * Exits when the parent's end of our stdin closes. The parent kills us on exit and on Ctrl-C,
 * but if it is itself SIGKILLed nothing runs there; the closed pipe is the one signal we still get,
 * so this is what guarantees no orphans. Skipped on a TTY, where stdin is a person.
 */
export function exitWithParent(): void {
  if (process.stdin.isTTY) return;
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
