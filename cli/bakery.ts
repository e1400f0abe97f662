#!/usr/bin/env node
/**
 * `bakery`: start, follow and inspect bakes in AWS; simulate and validate AMI recipes locally.
 */
import './warnings';
import { CommanderError } from 'commander';
import { describeFailure, oneLine } from './errors';
import { createProgram } from './program';
import { processTerminal, Terminal } from './terminal';

/** Commander's own outcomes that are not errors. */
const NOT_ERRORS = ['commander.helpDisplayed', 'commander.help', 'commander.version'];

async function main(argv: string[]): Promise<number> {
  const terminal = processTerminal();
  let exitCode = 0;
  const program = createProgram(terminal, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return commanderError(terminal, error, argv, program.commands.map((command) => command.name()));
    return report(terminal, error, argv.includes('--debug'));
  }
}

function commanderError(terminal: Terminal, error: CommanderError, argv: string[], commands: string[]): number {
  if (NOT_ERRORS.includes(error.code)) return error.exitCode;
  const command = argv.find((arg) => commands.includes(arg));
  const hint = error.code === 'commander.unknownCommand'
    ? 'bakery --help lists the commands'
    : `bakery ${command ? `${command} ` : ''}--help shows the usage`;
  terminal.err.write(`${terminal.errColors.red('bakery:')} ${oneLine(error.message.replace(/^error: /, ''))}\nhint: ${hint}\n`);
  return 2;
}

function report(terminal: Terminal, error: unknown, debug: boolean): number {
  const { message, hint, exitCode } = describeFailure(error);
  terminal.err.write(`${terminal.errColors.red('bakery:')} ${message}\nhint: ${hint}\n`);
  if (debug) {
    for (let current: unknown = error; current instanceof Error; current = current.cause) terminal.err.write(`${current.stack}\n`);
  }
  return exitCode;
}

// Output piped into a command that stopped reading (`bakery logs ... | head`) ends the CLI quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bakery: ${(error as Error)?.message ?? error}\n`);
    process.exitCode = 1;
  },
);
