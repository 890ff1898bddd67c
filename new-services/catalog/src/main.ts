import type { Command } from 'commander';
import { runServiceCli, serviceProgram, type ServiceDefinition } from '../../../platform';
import { migrateCatalog } from './db/migrate';
import { createCatalogApp } from './http/app';

/** The catalog's composition root: CATALOG_DATABASE_URL, CATALOG_HOST, CATALOG_PORT (4001). */
const catalog: ServiceDefinition = {
  name: 'catalog',
  description: 'The Catalog bounded context: products, extracted from the legacy shop.',
  title: 'catalog',
  envPrefix: 'CATALOG',
  defaultPort: 4001,
  sqliteFile: 'catalog.sqlite',
  serveDescription: 'migrate the catalog database and serve the API over HTTP',
  migrateDescription: 'bring the catalog schema up to date',
  migrate: migrateCatalog,
  app: () => createCatalogApp,
};

/** Builds the `catalog` command line over a given environment. */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  return serviceProgram(catalog, env);
}

/** Runs the CLI; any failure becomes one line on stderr and exit code 1, never a stack trace. */
export function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return runServiceCli(catalog, argv, env);
}

if (require.main === module) {
  void runCli(process.argv, process.env);
}
