import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunningStack {
  readonly gatewayUrl: string;
  readonly legacyUrl: string;
  readonly catalogUrl: string;
  readonly ordersUrl: string;
  readonly inventoryUrl: string;
  readonly adminUrl: string;
  readonly process: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Ctrl-C to the whole process group, as a terminal would; resolves with npm's exit code. */
  interrupt(): Promise<number | null>;
}

/** What a document adds to `npm start`: its arguments (`['--', '--trace']`) and variables (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
export interface StackOptions {
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `npm start` exactly as the README says, on free ports and a private data directory. */
export function startStack(root: string, dataDir: string, options: StackOptions = {}): Promise<RunningStack> {
  const child = spawn('npm', ['start', ...(options.args ?? [])], {
    cwd: root,
    detached: true,
    env: { ...process.env, ...options.env, GATEWAY_PORT: '0', LEGACY_PORT: '0', CATALOG_PORT: '0', ORDERS_PORT: '0', INVENTORY_PORT: '0', STRANGLER_ADMIN_PORT: '0', STRANGLER_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let gatewayUrl = '';
    let legacyUrl = '';
    let catalogUrl = '';
    let ordersUrl = '';
    let inventoryUrl = '';
    let adminUrl = '';
    const timer = setTimeout(() => reject(new Error(`npm start did not come up: ${stderr.join('')}`)), 90_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      const gw = /^ {2}gateway\s+(http:\/\/\S+)$/.exec(line);
      if (gw) gatewayUrl = gw[1] as string;
      const legacy = /^ {2}legacy monolith\s+(http:\/\/\S+)/.exec(line);
      if (legacy) legacyUrl = legacy[1] as string;
      const catalog = /^ {2}catalog service\s+(http:\/\/\S+)/.exec(line);
      if (catalog) catalogUrl = catalog[1] as string;
      const orders = /^ {2}orders service\s+(http:\/\/\S+)/.exec(line);
      if (orders) ordersUrl = orders[1] as string;
      const inventory = /^ {2}inventory service\s+(http:\/\/\S+)/.exec(line);
      if (inventory) inventoryUrl = inventory[1] as string;
      const admin = /^ {2}admin API\s+(http:\/\/\S+)/.exec(line);
      if (admin) adminUrl = admin[1] as string;
      if (line === 'Press Ctrl-C to stop.') {
        clearTimeout(timer);
        resolve({
          gatewayUrl,
          legacyUrl,
          catalogUrl,
          ordersUrl,
          inventoryUrl,
          adminUrl,
          process: child,
          stdout,
          stderr,
          interrupt: () => {
            // Once it has exited there is no process group left to signal: a second Ctrl-C is a no-op.
            if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGINT');
            return exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${stderr.join('')}`)));
  });
}

/**
 * `npm start` before the file's tests and Ctrl-C after them, for a test file whose commands all
 * run against one stack. The stack exists only once the tests run: read it through the getter.
 */
export function stackForTests(root: string, dataDir: string): () => RunningStack {
  let running: RunningStack | undefined;
  beforeAll(async () => {
    running = await startStack(root, dataDir);
  }, 120_000);
  afterAll(async () => {
    await running?.interrupt();
  }, 30_000);
  return () => {
    if (running === undefined) throw new Error('the stack is not started: read it from inside a test');
    return running;
  };
}
