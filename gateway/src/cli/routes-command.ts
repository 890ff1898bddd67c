import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isRouteTableError } from '../config/errors';
import { routesJsonSchemaText } from '../config/json-schema';
import { loadRouteTableFile } from '../config/load';
import { aclMappings } from '../translate/acl-adapter';
import { registerControlCommands } from './control-commands';
import { registerRolloutCommands } from './rollout-command';

const count = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** `strangler routes …`: offline work on a route table. */
export function registerRoutes(program: Command): void {
  const routes = program.command('routes').description('Route tables (validate, schema) and route state (list, explain, flip, rollback, history)');
  routes
    .command('validate')
    .argument('[file]', 'route table file', 'routes.json')
    .description('Check a route table the way the gateway does at load; lists every error with its JSON path')
    .action((file: string) => {
      try {
        const table = loadRouteTableFile(file, { mappings: aclMappings() });
        process.stdout.write(`${file}: ok, ${count(table.routes.length, 'route')}, ${count(table.upstreams.size, 'upstream')}\n`);
      } catch (e) {
        if (!isRouteTableError(e)) throw e;
        process.stderr.write(e.message + '\n');
        process.exitCode = 1;
      }
    });
  routes
    .command('schema')
    .description('Print the route table JSON Schema (generated from the zod schema), or write it with --out')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((opts: { out?: string }) => {
      if (opts.out) writeFileSync(opts.out, routesJsonSchemaText());
      else process.stdout.write(routesJsonSchemaText());
    });
  registerControlCommands(routes);
  registerRolloutCommands(routes);
}
