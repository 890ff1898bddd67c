import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { isRouteTableError } from '../config/errors';
import { loadRouteTableFile, type LoadOptions } from '../config/load';
import type { RouteTable } from '../config/table';
import { startControlPlane, type ControlPlane } from '../control/plane';
import { installLastResort } from '../observability/last-resort';
import { createLogger, type Logger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import { createGateway, type Gateway } from '../server';
import { createAcl } from '../../../acl';
import { aclMappings } from '../translate/acl-adapter';
import { adminTokenFile, readAdminToken } from './admin-token';
import { collect, parsePort, trustedProxiesFrom, upstreamUrlsFrom } from './options';

interface GatewayFlags {
  routes: string;
  port: string;
  host: string;
  upstream: string[];
  trustedProxy: string[];
  state: string;
  adminPort: string;
  adminHost: string;
  admin: boolean;
  replica: string;
  jitless: boolean;
}

/** `sqlite:<data dir>/gateway-state.sqlite`: the embedded default state store, beside the other components' files. */
export function defaultStateUrl(env: NodeJS.ProcessEnv): string {
  return `sqlite:${path.join(env.STRANGLER_DATA_DIR || './data', 'gateway-state.sqlite')}`;
}

/** `strangler gateway`: the composition root of the gateway process; the only reader of the environment. */
export function registerGateway(program: Command): void {
  const env = process.env;
  program
    .command('gateway')
    .description('Start the gateway in front of the upstreams named in a route table')
    .option('--routes <file>', 'route table file (reloaded when it changes)', env.STRANGLER_ROUTES ?? 'routes.json')
    .option('--port <port>', 'port to listen on (env GATEWAY_PORT)', env.GATEWAY_PORT ?? '8080')
    .option('--host <host>', 'address to listen on (env GATEWAY_HOST)', env.GATEWAY_HOST ?? '127.0.0.1')
    .option('--upstream <name=url>', 'override an upstream URL (repeatable; env STRANGLER_UPSTREAM_<NAME>)', collect, [])
    .option('--trusted-proxy <cidr>', 'also trust X-Forwarded-* from this address or block, e.g. the load balancer (repeatable; env STRANGLER_TRUSTED_PROXIES, comma-separated)', collect, [])
    .option('--state <url>', 'route state store: sqlite:<file> or mysql://… shared by a fleet (env STRANGLER_STATE_URL)', env.STRANGLER_STATE_URL ?? defaultStateUrl(env))
    .option('--admin-port <port>', 'admin API port (env STRANGLER_ADMIN_PORT); token from STRANGLER_ADMIN_TOKEN, else <STRANGLER_DATA_DIR>/admin-token, as the CLI reads it', env.STRANGLER_ADMIN_PORT ?? '9090')
    .option('--admin-host <host>', 'admin API address (env STRANGLER_ADMIN_HOST)', env.STRANGLER_ADMIN_HOST ?? '127.0.0.1')
    .option('--no-admin', 'do not open the admin API listener')
    .option('--jitless', 'generate no code: ACL mappings run on the closure compiler and answers are checked by zod (env STRANGLER_ACL_JITLESS=1)', env.STRANGLER_ACL_JITLESS === '1')
    .option('--replica <name>', 'this replica\'s name in traffic counts (env STRANGLER_REPLICA)', env.STRANGLER_REPLICA ?? `${os.hostname()}:${process.pid}`)
    .action((opts: GatewayFlags) => runGateway(opts, env));
}

/** Starts the route table, the gateway, its control plane and the listener, in that order; a refused table, a control plane that cannot start or a port that cannot be had sets exit code 1 and says why on stderr. */
async function runGateway(opts: GatewayFlags, env: NodeJS.ProcessEnv): Promise<void> {
  const listenPort = parsePort(opts.port);
  const adminPort = parsePort(opts.adminPort);
  const logger = createLogger({ level: env.STRANGLER_LOG_LEVEL ?? 'info' });
  const loadOptions: LoadOptions = { upstreamUrls: upstreamUrlsFrom(opts.upstream, env), trustedProxies: trustedProxiesFrom(opts.trustedProxy, env), mappings: aclMappings(createAcl({ jitless: opts.jitless })) };
  const load = (file: string) => loadRouteTableFile(file, loadOptions);
  const table = loadFirstTable(opts.routes, load, logger);
  if (!table) return;
  const metrics = createMetrics();
  installLastResort(process, logger, metrics);
  let gateway: Gateway;
  try {
    gateway = createGateway({ table, logger, metrics });
  } catch (e) {
    // The OTEL_* variables are read here (an unknown protocol or sampler, an endpoint that is not a URL).
    process.stderr.write(`strangler: cannot start the gateway: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
    return;
  }
  // The CLI's rule (admin-token.ts): the variable, else the data directory's file.
  const adminToken = opts.admin ? readAdminToken(env) : null;
  let plane: ControlPlane;
  try {
    plane = await startControlPlane({
      stateUrl: opts.state,
      routesFile: opts.routes,
      load,
      baseline: table,
      swap: (t) => gateway.swap(t),
      logger,
      replica: opts.replica,
      metrics,
      rolloutMetrics: metrics,
      registry: metrics.registry,
      dataDir: path.resolve(env.STRANGLER_DATA_DIR || './data'),
      adminOrigins: (env.STRANGLER_ADMIN_ORIGINS ?? '').split(',').filter((o) => o.trim() !== ''),
      circuits: () => gateway.circuits(),
      instances: () => gateway.instances(),
      admin: opts.admin ? { host: opts.adminHost, port: adminPort, token: adminToken?.token } : null,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(`strangler: cannot start the control plane (state store or admin API on ${opts.adminHost}:${opts.adminPort}): ${code ?? (e instanceof Error ? e.message : String(e))}\n`);
    process.exitCode = 1;
    return;
  }
  gateway.setTraffic(plane.traffic);
  gateway.setShadowSink((outcome) => plane.shadow.record(outcome));
  gateway.setCanarySink((outcome) => plane.canary.record(outcome));
  let port: number;
  let host: string;
  try {
    ({ port, host } = await gateway.listen(listenPort, opts.host));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    process.stderr.write(`strangler: cannot listen on ${opts.host}:${opts.port} (${code})\n`);
    await plane.close();
    process.exitCode = 1;
    return;
  }
  logger.info('gateway listening', { url: `http://${host}:${port}`, runtime: __filename.endsWith('.js') ? 'compiled' : 'sources', adminUrl: plane.adminUrl, routes: table.routes.length, file: opts.routes, stateVersion: plane.follower.version() });
  if (plane.adminUrl && adminToken === null) logger.warn(`admin API refuses every request: no admin token (set STRANGLER_ADMIN_TOKEN or write one to ${adminTokenFile(env)})`, { adminUrl: plane.adminUrl });
  else if (plane.adminUrl && adminToken !== null) logger.info('admin API token', { adminUrl: plane.adminUrl, tokenFrom: adminToken.source });
  stopOnSignals(gateway, plane, logger);
}

/** The table the gateway starts with; null (exit code 1, every issue on stderr and in the log) when it is refused. */
function loadFirstTable(file: string, load: (file: string) => RouteTable, logger: Logger): RouteTable | null {
  try {
    return load(file);
  } catch (e) {
    if (!isRouteTableError(e)) throw e;
    logger.error('route table refused', { file: e.source, issues: e.issues });
    process.stderr.write(e.message + '\n');
    process.exitCode = 1;
    return null;
  }
}

/** SIGINT or SIGTERM closes the listener, then the control plane; a close that hangs is cut short after 5 s. */
function stopOnSignals(gateway: Gateway, plane: ControlPlane, logger: Logger): void {
  const stop = (signal: string) => {
    logger.info('gateway stopping', { signal });
    void gateway
      .close()
      .then(() => plane.close())
      .then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
