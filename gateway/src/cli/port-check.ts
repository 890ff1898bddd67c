import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';

/**
 * Before `strangler up` touches anything (token, databases, children), every port it will listen
 * on is tried, so that a taken port fails the start at once, naming the process that holds it
 * when the system says so.
 */

/** One port the stack wants, with what it is for and how to move it. */
export interface WantedPort {
  readonly what: string;
  readonly host: string;
  readonly port: number;
  /** The flag or variable that moves it, e.g. `--legacy-port or LEGACY_PORT`. */
  readonly setting: string;
}

/** Resolves with null when the port can be had, else with the listen error's code. */
function tryListen(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** The ports that cannot be had, each as one line naming its holder when it can be found. */
export async function takenPorts(wanted: readonly WantedPort[]): Promise<string[]> {
  const problems: string[] = [];
  for (const w of wanted) {
    if (w.port === 0) continue;
    const code = await tryListen(w.host, w.port);
    if (code === null) continue;
    const holder = code === 'EADDRINUSE' ? portHolder(w.port) : null;
    const by = code === 'EADDRINUSE' ? (holder ? `is taken by pid ${holder.pid} (${holder.command})` : 'is taken by another process') : `cannot be used (${code})`;
    problems.push(`${w.host}:${w.port} (${w.what}) ${by}; choose another with ${w.setting}`);
  }
  return problems;
}

/** The process listening on a TCP port, from Linux's /proc (null elsewhere, or when it belongs to another user). */
export function portHolder(port: number, proc = '/proc'): { pid: number; command: string } | null {
  const inodes = new Set<string>();
  for (const table of ['net/tcp', 'net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(`${proc}/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // State 0A is LISTEN; the inode is the tenth column.
      if (local === undefined || cols[3] !== '0A' || cols[9] === undefined) continue;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1] as string)) return { pid: Number(pid), command: commandOf(`${proc}/${pid}`) };
    }
  }
  return null;
}

function commandOf(dir: string): string {
  try {
    const args = readFileSync(`${dir}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    const text = args.join(' ');
    return text.length > 120 ? `${text.slice(0, 117)}...` : text || 'unknown command';
  } catch {
    return 'unknown command';
  }
}
