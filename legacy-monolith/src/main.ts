import type { Command } from 'commander';
import { integerArg, runServiceCli, serviceProgram, type ServiceDatabase, type ServiceDefinition } from '../../platform';
import { migrateLegacy } from './db/migrate';
import { formatSeedProgress, isLegacySeeded, seedLegacy, type SeedProgress } from './db/seed';
import { createLegacyApp } from './http/app';

/** Progress on stderr in 10% steps, so a 100k-row seed shows life without flooding a log. */
function progressPrinter(): (progress: SeedProgress) => void {
  let shown = -1;
  return (progress) => {
    const step = Math.floor(progress.percent / 10);
    if (step === shown) return;
    shown = step;
    process.stderr.write(`${formatSeedProgress(progress)}\n`);
  };
}

function seedCommand(program: Command, database: ServiceDatabase): void {
  program
    .command('seed')
    .description('migrate, then fill an empty database with the deterministic demo shop')
    .option('--rows <n>', 'number of products (1..100000, default 500)', integerArg('rows', 1, 100_000))
    .action(async (opts: { rows?: number }) => {
      const summary = await database.use(async (db) => {
        await migrateLegacy(db);
        return seedLegacy(db, { rows: opts.rows, onProgress: progressPrinter() });
      });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}

/** The monolith's composition root: LEGACY_DATABASE_URL, LEGACY_HOST, LEGACY_PORT (3000); an empty database is seeded on serve. */
const monolith: ServiceDefinition = {
  name: 'legacy-monolith',
  description: 'The bundled legacy shop being strangled.',
  title: 'legacy monolith',
  envPrefix: 'LEGACY',
  defaultPort: 3000,
  sqliteFile: 'legacy.sqlite',
  serveDescription: 'migrate, seed an empty database, and serve the shop over HTTP',
  migrateDescription: 'bring the legacy schema up to date',
  migrate: migrateLegacy,
  async prepare({ db, logger }) {
    if (await isLegacySeeded(db)) return;
    const seeded = await seedLegacy(db);
    logger.info('seeded empty legacy database', { ...seeded });
  },
  app: () => createLegacyApp,
  commands: seedCommand,
};

/** Builds the `legacy-monolith` command line over a given environment. */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  return serviceProgram(monolith, env);
}

/** Runs the CLI; any failure becomes one line on stderr and exit code 1, never a stack trace. */
export function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return runServiceCli(monolith, argv, env);
}

if (require.main === module) {
  void runCli(process.argv, process.env);
}
