#!/usr/bin/env node
/**
 * `bakery`: bake, simulate and validate AMI recipes.
 */
import './warnings';
import { runSimulate } from './commands/simulate';
import { runValidate } from './commands/validate';

const USAGE = `Usage: bakery <command> [options]

Commands:
  simulate <recipe.json> [--json] [--fault RULE]... [--seed N] [--state FILE]
      Bake the recipe in the local AWS simulator: the real state machine and handlers, a simulated
      account, virtual time. Prints each phase live, then the manifest. Exit code 0 only on success.
      Fault rules: step:<n>:fail, step:<n>:hang, api:<Operation>:throttle[:<count>],
      api:<Operation>:error[:<count>], agent:never-online, image:fail, image:never-available,
      instance:never-stops, capacity:<instanceType>, lambda:<step>:crash
      --state FILE keeps the simulated account between runs: it is loaded from FILE when FILE exists
      (else a new account is made; --seed then seeds it) and saved to FILE after the bake, so the
      next bake sees this one's AMIs, snapshots and parameters (name it *.bakery-state.json).
  simulate --state FILE --inventory
      Print what the saved account holds as one JSON line: {"images", "snapshots", "instances",
      "parameters"}, the public base images and /aws/service/ parameters left out.
  validate <recipe.json>
      Check a recipe document against the schema and print every problem. Exit code 1 when invalid.
  help
      Show this text.
`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  simulate: runSimulate,
  validate: runValidate,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`bakery: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  return run(args);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: Error) => {
    process.stderr.write(`bakery: ${error.message}\n`);
    process.exitCode = 2;
  },
);
