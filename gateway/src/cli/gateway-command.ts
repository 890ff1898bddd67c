import type { Command } from 'commander';
import { isRouteTableError } from '../config/errors';
import { loadRouteTableFile } from '../config/load';
import { createLogger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import { createGateway } from '../server';
import { aclMappings } from '../translate/acl-adapter';
import { collect, parsePort, upstreamUrlsFrom } from './options';

/** `strangler gateway`: the composition root of the gateway process; the only reader of the environment. */
export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description('Start the gateway in front of the upstreams named in a route table')
    .option('--routes <file>', 'route table file', process.env.STRANGLER_ROUTES ?? 'routes.json')
    .option('--port <port>', 'port to listen on (env GATEWAY_PORT)', process.env.GATEWAY_PORT ?? '8080')
    .option('--host <host>', 'address to listen on (env GATEWAY_HOST)', process.env.GATEWAY_HOST ?? '127.0.0.1')
    .option('--upstream <name=url>', 'override an upstream URL (repeatable; env STRANGLER_UPSTREAM_<NAME>)', collect, [])
    .action(async (opts: { routes: string; port: string; host: string; upstream: string[] }) => {
      const listenPort = parsePort(opts.port);
      const logger = createLogger({ level: process.env.STRANGLER_LOG_LEVEL ?? 'info' });
      let table;
      try {
        table = loadRouteTableFile(opts.routes, { upstreamUrls: upstreamUrlsFrom(opts.upstream, process.env), mappings: aclMappings() });
      } catch (e) {
        if (!isRouteTableError(e)) throw e;
        logger.error('route table refused', { file: e.source, issues: e.issues });
        process.stderr.write(e.message + '\n');
        process.exitCode = 1;
        return;
      }
      const gateway = createGateway({ table, logger, metrics: createMetrics() });
      let port: number;
      let host: string;
      try {
        ({ port, host } = await gateway.listen(listenPort, opts.host));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? String(e);
        process.stderr.write(`strangler: cannot listen on ${opts.host}:${opts.port} (${code})\n`);
        process.exitCode = 1;
        return;
      }
      logger.info('gateway listening', { url: `http://${host}:${port}`, routes: table.routes.length, file: opts.routes });
      const stop = (signal: string) => {
        logger.info('gateway stopping', { signal });
        void gateway.close().then(() => process.exit(0));
        setTimeout(() => process.exit(0), 5_000).unref();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
