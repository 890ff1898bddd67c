import { Command } from 'commander';
import { registerDataCommands } from './data-commands';
import { registerGateway } from './gateway-command';
import { UsageError } from './options';
import { registerRoutes } from './routes-command';
import { registerShadow } from './shadow-command';
import { registerUp } from './up-command';

/** The `strangler` command. Expected failures print one line; only bugs print a stack. */
export function buildProgram(): Command {
  const program = new Command('strangler').description('A strangler-fig migration gateway').showHelpAfterError();
  registerGateway(program);
  registerRoutes(program);
  registerShadow(program);
  registerUp(program);
  registerDataCommands(program);
  return program;
}

export function run(argv: readonly string[]): void {
  buildProgram()
    .parseAsync([...argv])
    .catch((e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`strangler: ${e.message}\n`);
        process.exit(2);
      }
      throw e;
    });
}

if (require.main === module) run(process.argv);
