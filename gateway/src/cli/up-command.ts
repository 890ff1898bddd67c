import path from 'node:path';
import type { Command } from 'commander';
import { startChild, stopChild, waitHealthy, type Child } from './children';
import { parsePort } from './options';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * `strangler up` (what `npm start` runs): the whole local stack on the embedded SQLite default,
 * each component its own process, started in dependency order, health-checked, stopped together.
 */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('Start the legacy monolith and the gateway locally and print the URLs to try')
    .option('--port <port>', 'gateway port (env GATEWAY_PORT)', process.env.GATEWAY_PORT ?? '8080')
    .option('--legacy-port <port>', 'legacy monolith port (env LEGACY_PORT)', process.env.LEGACY_PORT ?? '3000')
    .option('--routes <file>', 'route table', process.env.STRANGLER_ROUTES ?? path.join(ROOT, 'routes.json'))
    .action(async (opts: { port: string; legacyPort: string; routes: string }) => {
      const children: Child[] = [];
      let stopping = false;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write('strangler: stopping the stack…\n');
        await Promise.all(children.reverse().map((c) => stopChild(c)));
        process.stderr.write('strangler: stopped\n');
        process.exit(code);
      };
      process.once('SIGINT', () => void stopAll(0));
      process.once('SIGTERM', () => void stopAll(0));
      const step = (msg: string) => process.stderr.write(`strangler: ${msg}\n`);
      try {
        const started = Date.now();
        step('starting the legacy monolith (first start migrates and seeds its SQLite database)…');
        const legacy = startChild('legacy monolith', path.join(ROOT, 'legacy-monolith/src/main.ts'), ['serve', '--port', String(parsePort(opts.legacyPort))], process.env, 'legacy monolith listening');
        children.push(legacy);
        const legacyUrl = await legacy.listening;
        await waitHealthy(`${legacyUrl}/health`, 60_000);
        step(`legacy monolith ready at ${legacyUrl}`);
        step('starting the gateway…');
        const gw = startChild('gateway', path.join(ROOT, 'gateway/src/cli/main.ts'), ['gateway', '--routes', opts.routes, '--port', String(parsePort(opts.port)), '--upstream', `monolith=${legacyUrl}`], process.env, 'gateway listening');
        children.push(gw);
        const gatewayUrl = await gw.listening;
        await waitHealthy(`${gatewayUrl}/readyz`, 30_000);
        // A child that stops on a signal or cleanly (Ctrl-C reaches the whole process group) is a stop; anything else is a crash.
        for (const c of children) {
          c.process.once('exit', (code, signal) => void stopAll(code === 0 || signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
        }
        process.stdout.write(
          [
            '',
            `strangler is up (${((Date.now() - started) / 1000).toFixed(1)}s):`,
            `  gateway           ${gatewayUrl}`,
            `  try               curl ${gatewayUrl}/api/products?size=3`,
            `  health            ${gatewayUrl}/healthz`,
            `  metrics           ${gatewayUrl}/metrics`,
            `  legacy monolith   ${legacyUrl} (direct; clients go through the gateway)`,
            'Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
      } catch (e) {
        step(e instanceof Error ? e.message : String(e));
        await stopAll(1);
      }
    });
}
