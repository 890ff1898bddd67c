import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { newStackToken } from './admin-token';
import { startChild, stopChild, waitHealthy, type Child } from './children';
import { integerArg } from '../../../platform';
import { parsePort, UsageError } from './options';
import { takenPorts, type WantedPort } from './port-check';
import { removeStackFile, runningStack, writeStackFile } from './stack-file';
import { upBanner } from './up-banner';
import { childTelemetryEnv, startLocalCollector, traceBannerLines, traceConflict, type LocalCollector } from './up-trace';

/**
 * The repository: the folder above this file that holds package.json. Counted from here it would
 * be wrong once compiled (dist/gateway/src/cli), and the children's sources live in the repository.
 */
const ROOT = repositoryRoot(__dirname);

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

interface UpOptions {
  port: string;
  legacyPort: string;
  catalogPort: string;
  catalogInstances: string;
  ordersPort: string;
  inventoryPort: string;
  adminPort: string;
  routes: string;
  quiet?: boolean;
  trace?: boolean;
}

/**
 * `strangler up` (what `npm start` runs): the whole local stack on the embedded SQLite default,
 * each component its own process with its own database, started in dependency order,
 * health-checked, and stopped together.
 */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('Start the legacy monolith, the catalog, inventory and orders services and the gateway locally, and print the URLs to try')
    .option('--port <port>', 'gateway port (env GATEWAY_PORT)', process.env.GATEWAY_PORT ?? '8080')
    .option('--legacy-port <port>', 'legacy monolith port (env LEGACY_PORT)', process.env.LEGACY_PORT ?? '3000')
    .option('--catalog-port <port>', 'catalog service port (env CATALOG_PORT); further instances listen 10 ports up', process.env.CATALOG_PORT ?? '4001')
    .option('--catalog-instances <n>', 'catalog processes on the one catalog database, balanced by the gateway (env CATALOG_INSTANCES)', process.env.CATALOG_INSTANCES ?? '2')
    .option('--orders-port <port>', 'orders service port (env ORDERS_PORT)', process.env.ORDERS_PORT ?? '4002')
    .option('--inventory-port <port>', 'inventory service port (env INVENTORY_PORT)', process.env.INVENTORY_PORT ?? '4003')
    .option('--admin-port <port>', 'gateway admin API port (env STRANGLER_ADMIN_PORT)', process.env.STRANGLER_ADMIN_PORT ?? '9090')
    .option('--routes <file>', 'route table', process.env.STRANGLER_ROUTES ?? path.join(ROOT, 'routes.json'))
    .option('--quiet', "hide the components' info lines (each request's log line); warnings and errors still show")
    .option('--trace', 'trace every request: run a local OTLP/HTTP JSON collector, export every part\'s spans to it, and write them to <data dir>/traces.jsonl for `strangler trace`')
    .action((opts: UpOptions) => up(opts, process.env));
}

/** Every port the stack will listen on, with what it is for and the setting that moves it. */
function wantedPorts(opts: UpOptions, instances: number, env: NodeJS.ProcessEnv): WantedPort[] {
  const catalog = parsePort(opts.catalogPort);
  const wanted: WantedPort[] = [
    { what: 'legacy monolith', host: env.LEGACY_HOST || '127.0.0.1', port: parsePort(opts.legacyPort), setting: '--legacy-port or LEGACY_PORT' },
    ...Array.from({ length: instances }, (_, i) => ({
      what: instances === 1 ? 'catalog service' : `catalog instance ${i + 1}`,
      host: env.CATALOG_HOST || '127.0.0.1',
      port: catalog === 0 ? 0 : catalog + 10 * i,
      setting: '--catalog-port or CATALOG_PORT (further instances listen 10 ports up)',
    })),
    { what: 'orders service', host: env.ORDERS_HOST || '127.0.0.1', port: parsePort(opts.ordersPort), setting: '--orders-port or ORDERS_PORT' },
    { what: 'inventory service', host: env.INVENTORY_HOST || '127.0.0.1', port: parsePort(opts.inventoryPort), setting: '--inventory-port or INVENTORY_PORT' },
    { what: 'gateway', host: env.GATEWAY_HOST || '127.0.0.1', port: parsePort(opts.port), setting: '--port or GATEWAY_PORT' },
    { what: 'gateway admin API', host: env.STRANGLER_ADMIN_HOST || '127.0.0.1', port: parsePort(opts.adminPort), setting: '--admin-port or STRANGLER_ADMIN_PORT' },
  ];
  for (const [i, w] of wanted.entries()) {
    const clash = wanted.slice(0, i).find((o) => o.port !== 0 && o.port === w.port);
    if (clash) throw new UsageError(`the ${clash.what} and the ${w.what} would both listen on port ${w.port}: move one with ${w.setting}`);
  }
  return wanted;
}

/**
 * Nothing is touched (the admin token, the databases, the children) until it is known that no
 * stack runs from this data directory and that every port can be had: a second `up` fails at
 * once and leaves the first one, its token included, as it was.
 */
async function preflight(opts: UpOptions, instances: number, env: NodeJS.ProcessEnv): Promise<string | null> {
  const running = runningStack(env);
  if (running) {
    const s = running.stack;
    return `a stack is already running from this data directory (pid ${s.pid}, gateway ${s.gateway}, started ${s.startedAt}; see ${running.file}): its CLI commands keep working; stop it with Ctrl-C where it runs (or kill ${s.pid}), or start another with its own STRANGLER_DATA_DIR and ports`;
  }
  const taken = await takenPorts(wantedPorts(opts, instances, env));
  if (taken.length === 0) return null;
  return `cannot start: ${taken.length === 1 ? 'a port is' : 'ports are'} taken, nothing was started or changed:\n${taken.map((t) => `  ${t}`).join('\n')}`;
}

async function up(opts: UpOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const instances = integerArg('--catalog-instances', 1, 8)(opts.catalogInstances);
  const conflict = opts.trace ? traceConflict(env) : null;
  if (conflict !== null) throw new UsageError(conflict);
  const refused = await preflight(opts, instances, env);
  if (refused !== null) {
    process.stderr.write(`strangler: ${refused}\n`);
    process.exitCode = 1;
    return;
  }
  const stack = new LocalStack(env, opts.quiet === true);
  process.once('SIGINT', () => void stack.stopAll(0));
  process.once('SIGTERM', () => void stack.stopAll(0));
  try {
    const started = Date.now();
    const collector = opts.trace ? stack.traceTo(await startLocalCollector(env, (m) => stack.step(m))) : null;
    const legacy = (await stack.start('legacy monolith', 'legacy-monolith/src/main.ts', opts.legacyPort, '/health')).url;
    const catalogs = await startCatalogs(stack, parsePort(opts.catalogPort), instances);
    const catalog = catalogs[0] as string;
    // Before orders: checkout reserves stock in it, and orders resumes unfinished sagas as it starts.
    const inventory = (await stack.start('inventory', 'new-services/inventory/src/main.ts', opts.inventoryPort, '/health')).url;
    const orders = (await stack.start('orders', 'new-services/orders/src/main.ts', opts.ordersPort, '/health', { ORDERS_CATALOG_URL: catalog, ORDERS_INVENTORY_URL: inventory })).url;
    const upstreams = ['--upstream', `monolith=${legacy}`, '--upstream', `catalog=${catalogs.join(',')}`, '--upstream', `orders=${orders}`, '--upstream', `inventory=${inventory}`];
    const admin = newStackToken(env);
    const gatewayArgs = ['gateway', '--routes', opts.routes, '--admin-port', String(parsePort(opts.adminPort)), ...upstreams];
    const gateway = await stack.start('gateway', 'gateway/src/cli/main.ts', opts.port, '/readyz', { STRANGLER_ADMIN_TOKEN: admin.token }, gatewayArgs);
    stack.stopWhenAnyExits();
    writeStackFile(env, { pid: process.pid, startedAt: new Date().toISOString(), gateway: gateway.url, admin: gateway.adminUrl ?? null, legacy, catalog: catalogs, orders, inventory, token: admin.source });
    const tracing = traceBannerLines(collector, env);
    process.stdout.write(upBanner({ seconds: (Date.now() - started) / 1000, gateway: gateway.url, adminUrl: gateway.adminUrl, tokenAt: admin.source, legacy, catalogs, orders, inventory, tracing }));
  } catch (e) {
    stack.step(e instanceof Error ? e.message : String(e));
    await stack.stopAll(1);
  }
}

/**
 * The catalog's instances, one after the other (each migrates the shared database before the next
 * starts): the first on `port`, each next one 10 ports up, as routes.json lists them.
 */
async function startCatalogs(stack: LocalStack, port: number, instances: number): Promise<string[]> {
  const urls: string[] = [];
  for (let i = 0; i < instances; i++) {
    const name = instances === 1 ? 'catalog' : `catalog ${i + 1}`;
    // Port 0 (any free port, as the tests ask) stays 0 for every instance.
    urls.push((await stack.start(name, 'new-services/catalog/src/main.ts', String(port === 0 ? 0 : port + 10 * i), '/health', {}, [], 'catalog')).url);
  }
  return urls;
}

/** Wide enough for the longest component name (`legacy monolith`), so that the lines' own text lines up. */
const PREFIX_WIDTH = 16;
/**
 * Services the user may stop on their own (SIGTERM, e.g. `kill $(cat data/pids/inventory.pid)`)
 * while the rest of the stack keeps running, to watch checkout meet a service that is down, as it
 * would in production; each is started again by hand with its own `serve`.
 */
const STOPPABLE: ReadonlySet<string> = new Set(['inventory', 'orders']);

/** The components started so far, stopped together (in reverse order) when one fails, exits or the user stops the stack. */
class LocalStack {
  private readonly children: Child[] = [];
  private stopping = false;
  /** `--trace`'s collector: every part exports to it; closed after them, so that their last spans arrive. */
  private collector: LocalCollector | null = null;
  private readonly pidDir = path.join(process.env.STRANGLER_DATA_DIR || './data', 'pids');

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly quiet: boolean,
  ) {}

  step(msg: string): void {
    process.stderr.write(`strangler: ${msg}\n`);
  }

  traceTo(collector: LocalCollector): LocalCollector {
    this.collector = collector;
    this.step(`trace collector at ${collector.tracesUrl}, writing ${collector.file}`);
    return collector;
  }

  /** Starts one component, waits for its listening line and its health endpoint, returns its URL. */
  async start(name: string, entry: string, port: string, health: string, env: NodeJS.ProcessEnv = {}, args: string[] = [], logs = name): Promise<{ url: string; adminUrl?: string }> {
    this.step(`starting the ${name}…`);
    // `logs`: the component's own name in its "<name> listening" line (an instance's is its service's).
    const output = { prefix: `${name.padEnd(PREFIX_WIDTH)}| `, quiet: this.quiet };
    // The part's service name in its spans is the one its log lines carry (`legacy-monolith`, `catalog`).
    const telemetry = childTelemetryEnv(logs.replace(/ /g, '-'), this.env, this.collector?.endpoint ?? null);
    const child = startChild(name, path.join(ROOT, entry), [...(args.length ? args : ['serve']), '--port', String(parsePort(port))], { ...this.env, ...telemetry, ...env }, `${logs} listening`, output);
    this.children.push(child);
    // Where a user finds a component to stop it (`kill $(cat data/pids/inventory.pid)`).
    fs.mkdirSync(this.pidDir, { recursive: true });
    fs.writeFileSync(path.join(this.pidDir, `${name.replace(/ /g, '-')}.pid`), `${child.process.pid ?? ''}\n`);
    const announced = await child.listening;
    // A child that dies while its health is awaited fails the start now, not when the wait runs out.
    const died = new Promise<never>((_, reject) => {
      const onExit = (code: number | null, signal: string | null) => reject(new Error(`${name} exited (${signal ?? `code ${code}`}) before it was healthy`));
      child.process.once('exit', onExit);
      if (child.process.exitCode !== null || child.process.signalCode !== null) onExit(child.process.exitCode, child.process.signalCode);
    });
    died.catch(() => undefined);
    await Promise.race([waitHealthy(`${announced.url}${health}`, 60_000), died]);
    this.step(`${name} ready at ${announced.url}`);
    return announced;
  }

  /** A child that stops on a signal or cleanly (Ctrl-C reaches the whole process group) is a stop; anything else is a crash. */
  stopWhenAnyExits(): void {
    for (const c of this.children) {
      c.process.once('exit', (code, signal) => {
        // A service stopped on purpose drains and exits 0 (or dies of the SIGTERM); Ctrl-C stops the whole stack anyway.
        if ((code === 0 || signal === 'SIGTERM') && STOPPABLE.has(c.name) && !this.stopping) {
          this.step(`the ${c.name} service was stopped; the rest of the stack keeps running (start it again with: node --import tsx new-services/${c.name}/src/main.ts serve)`);
          return;
        }
        void this.stopAll(code === 0 || signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1);
      });
    }
  }

  async stopAll(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.step('stopping the stack…');
    // Whatever hangs, the stack ends: each child gets SIGKILL after its grace, and this process goes after that.
    setTimeout(() => process.exit(code || 1), 8_000).unref();
    await Promise.all(this.children.reverse().map((c) => stopChild(c)));
    await this.collector?.close();
    removeStackFile(this.env, process.pid);
    this.step('stopped');
    process.exit(code);
  }
}
