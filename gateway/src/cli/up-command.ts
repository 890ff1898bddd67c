import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { startChild, stopChild, waitHealthy, type Child } from './children';
import { parsePort } from './options';

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
  ordersPort: string;
  adminPort: string;
  routes: string;
}

/**
 * The admin token for the local stack: STRANGLER_ADMIN_TOKEN when set, else a fresh random one
 * written to <data dir>/admin-token (owner-only), where the CLI finds it.
 */
function adminToken(env: NodeJS.ProcessEnv): { token: string; where: string } {
  if (env.STRANGLER_ADMIN_TOKEN) return { token: env.STRANGLER_ADMIN_TOKEN, where: 'STRANGLER_ADMIN_TOKEN' };
  const file = path.join(env.STRANGLER_DATA_DIR || './data', 'admin-token');
  const token = randomBytes(24).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { token, where: file };
}

/**
 * `strangler up` (what `npm start` runs): the whole local stack on the embedded SQLite default,
 * each component its own process with its own database, started in dependency order,
 * health-checked, and stopped together.
 */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('Start the legacy monolith, the catalog and orders services and the gateway locally, and print the URLs to try')
    .option('--port <port>', 'gateway port (env GATEWAY_PORT)', process.env.GATEWAY_PORT ?? '8080')
    .option('--legacy-port <port>', 'legacy monolith port (env LEGACY_PORT)', process.env.LEGACY_PORT ?? '3000')
    .option('--catalog-port <port>', 'catalog service port (env CATALOG_PORT)', process.env.CATALOG_PORT ?? '4001')
    .option('--orders-port <port>', 'orders service port (env ORDERS_PORT)', process.env.ORDERS_PORT ?? '4002')
    .option('--admin-port <port>', 'gateway admin API port (env STRANGLER_ADMIN_PORT)', process.env.STRANGLER_ADMIN_PORT ?? '9090')
    .option('--routes <file>', 'route table', process.env.STRANGLER_ROUTES ?? path.join(ROOT, 'routes.json'))
    .action((opts: UpOptions) => up(opts));
}

async function up(opts: UpOptions): Promise<void> {
  const children: Child[] = [];
  let stopping = false;
  const step = (msg: string) => process.stderr.write(`strangler: ${msg}\n`);
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    step('stopping the stack…');
    await Promise.all(children.reverse().map((c) => stopChild(c)));
    step('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  /** Starts one component, waits for its listening line and its health endpoint, returns its URL. */
  const start = async (name: string, entry: string, port: string, health: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) => {
    step(`starting the ${name}…`);
    const child = startChild(name, path.join(ROOT, entry), [...(args.length ? args : ['serve']), '--port', String(parsePort(port))], { ...process.env, ...env }, `${name} listening`);
    children.push(child);
    const announced = await child.listening;
    await waitHealthy(`${announced.url}${health}`, 60_000);
    step(`${name} ready at ${announced.url}`);
    return announced;
  };

  try {
    const started = Date.now();
    const legacy = (await start('legacy monolith', 'legacy-monolith/src/main.ts', opts.legacyPort, '/health')).url;
    const catalog = (await start('catalog', 'new-services/catalog/src/main.ts', opts.catalogPort, '/health')).url;
    const orders = (await start('orders', 'new-services/orders/src/main.ts', opts.ordersPort, '/health', { ORDERS_CATALOG_URL: catalog })).url;
    const upstreams = ['--upstream', `monolith=${legacy}`, '--upstream', `catalog=${catalog}`, '--upstream', `orders=${orders}`];
    const admin = adminToken(process.env);
    const gatewayArgs = ['gateway', '--routes', opts.routes, '--admin-port', String(parsePort(opts.adminPort)), ...upstreams];
    const gatewayChild = await start('gateway', 'gateway/src/cli/main.ts', opts.port, '/readyz', { STRANGLER_ADMIN_TOKEN: admin.token }, gatewayArgs);
    const gateway = gatewayChild.url;
    // A child that stops on a signal or cleanly (Ctrl-C reaches the whole process group) is a stop; anything else is a crash.
    for (const c of children) {
      c.process.once('exit', (code, signal) => void stopAll(code === 0 || signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    }
    process.stdout.write(
      [
        '',
        `strangler is up (${((Date.now() - started) / 1000).toFixed(1)}s):`,
        `  gateway           ${gateway}`,
        `  try               curl ${gateway}/api/products?size=3`,
        `  new contract      curl ${gateway}/api/v2/products/1`,
        `  health            ${gateway}/healthz`,
        `  metrics           ${gateway}/metrics`,
        `  admin API         ${gatewayChild.adminUrl ?? '(off)'} (token: ${admin.where})`,
        `  flip a route      npx strangler routes flip v2.products --to shadow --reason "first look"`,
        `  legacy monolith   ${legacy} (direct; clients go through the gateway)`,
        `  catalog service   ${catalog}`,
        `  orders service    ${orders}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (e) {
    step(e instanceof Error ? e.message : String(e));
    await stopAll(1);
  }
}
