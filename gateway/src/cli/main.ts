import { Command, type CommanderError } from 'commander';
import { registerDataCommands } from './data-commands';
import { registerGateway } from './gateway-command';
import { quietOnClosedPipe } from './pipes';
import { UsageError } from './options';
import { registerRoutes } from './routes-command';
import { registerShadow } from './shadow-command';
import { registerTrace } from './trace-command';
import { registerUp } from './up-command';

/** Commander's own usage failures (unknown option or command, missing argument) exit 2 like ours; help and --version still exit 0. */
function usageExit(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

/** The `strangler` command. Expected failures print one line; only bugs print a stack. */
export function buildProgram(): Command {
  // Set before the commands are added: commander copies exitOverride into every subcommand.
  const program = new Command('strangler').description('A strangler-fig migration gateway').showHelpAfterError().exitOverride(usageExit);
  registerGateway(program);
  registerRoutes(program);
  registerShadow(program);
  registerUp(program);
  registerDataCommands(program);
  registerTrace(program);
  return program;
}

export function run(argv: readonly string[]): void {
  quietOnClosedPipe(process);
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
