/**
 * The `bakery` command line: its commands, options and help. Each command's work is in
 * `commands/<name>.ts`; the simulator is loaded only by `simulate`, and AWS clients only by the commands
 * that call AWS.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runBuild } from './commands/build';
import { InitOptions, runInit } from './commands/init';
import { runList } from './commands/list';
import { runLogs } from './commands/logs';
import type { SimulateOptions } from './commands/simulate';
import { runStatus } from './commands/status';
import { runValidate } from './commands/validate';
import { CliError, UsageError } from './errors';
import { GlobalOptions, Session } from './session';
import type { Terminal } from './terminal';
import { PACKAGE_VERSION } from './version';

/** Builds the program; `done` receives each command's exit code. */
export function createProgram(terminal: Terminal, done: (exitCode: number) => void): Command {
  const program = new Command('bakery')
    .description('Bake AMIs with the cdk-ami-bakery state machine in your AWS account, or in the local simulator.')
    .option('--region <region>', 'AWS region of the bakery (default: AWS_REGION or the profile\'s region)')
    .option('--profile <name>', 'AWS profile from ~/.aws/config (default: AWS_PROFILE, else the standard credential chain)')
    .option('--state-machine <arn>', 'the bakery\'s state machine (default: the one tagged cdk-ami-bakery:bakery in the region)')
    .option('--bakery <bakeryId>', 'the bakery whose state machine to use, when the region has several')
    .option('--json', 'machine-readable output: JSON (JSON lines while following a bake)')
    .option('--debug', 'show stack traces of errors')
    .option('--simulate <file>', 'talk to the local simulator instead of AWS, its account kept in this file (*.bakery-state.json)')
    .option('--speed <n>', 'with --simulate: virtual seconds per real second when following a simulated bake', positiveNumber, 30)
    .option('--fault <rule>', 'with --simulate: inject a fault into this run\'s simulated account (repeatable); bakery simulate --help lists the rules',
      collect, [])
    .option('--seed <n>', 'with --simulate: seed of a new simulated account (ids, timings)', wholeNumber)
    .version(PACKAGE_VERSION, '-V, --version', 'print the version of cdk-ami-bakery this command belongs to')
    .configureOutput({
      writeOut: (text) => terminal.out.write(text),
      writeErr: (text) => terminal.err.write(text),
      // Usage errors are printed by the caller, as every other error is: `bakery: ...` and a hint.
      outputError: () => undefined,
    })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .addHelpText('after', PROGRAM_HELP);

  const session = (command: Command) => new Session(command.optsWithGlobals<GlobalOptions>(), terminal);

  program.command('build')
    .description('Start a bake of a registered recipe (by name) or of a recipe file; --follow shows it live')
    .argument('<recipe>', 'a recipe name registered with the bakery, or a recipe file (recipe.json), baked as an ad-hoc recipe where the bakery allows them (adHocRecipes)')
    .option('-f, --follow', 'show the bake live until it ends, then its manifest; exit code 0 only when it succeeded')
    .option('-o, --override <path=value>', 'change one field of the recipe for this bake (repeatable); the value is JSON or a string', collect, [])
    .option('-n, --name <buildId>', 'the build id (execution name); default: <recipe>-<UTC time>-<4 hex digits>')
    .option('--interval <seconds>', 'seconds between two polls while following', positiveNumber, 5)
    .addHelpText('after', BUILD_HELP)
    .action(async (recipe: string, options, command: Command) => done(await runBuild(session(command), recipe, options)));

  program.command('list')
    .description('The newest builds: id, recipe, status, start, duration, AMI ids')
    .option('-r, --recipe <name>', 'only builds of this recipe')
    .option('-l, --limit <n>', 'at most this many builds', positiveInteger, 20)
    .addHelpText('after', LIST_HELP)
    .action(async (options, command: Command) => done(await runList(session(command), options)));

  program.command('status')
    .description('One build: running, its phase, step and last lines of output; ended, its manifest in short')
    .argument('<buildId>', 'the build id (execution name), or the execution ARN')
    .option('-f, --follow', 'show a running build live until it ends; exit code 0 only when it succeeded')
    .option('--interval <seconds>', 'seconds between two polls while following', positiveNumber, 5)
    .addHelpText('after', STATUS_HELP)
    .action(async (buildId: string, options, command: Command) => done(await runStatus(session(command), buildId, options)));

  program.command('logs')
    .description('The whole output of a build\'s provisioning steps, from CloudWatch Logs')
    .argument('<buildId>', 'the build id (execution name), or the execution ARN')
    .option('-s, --step <n>', 'only step n (counted from 1)', positiveInteger)
    .addHelpText('after', LOGS_HELP)
    .action(async (buildId: string, options, command: Command) => done(await runLogs(session(command), buildId, options)));

  program.command('simulate')
    .description('Bake a recipe file, or a recipe your CDK app registered (--app cdk.out), in the local simulator (no AWS account needed)')
    .argument('[recipe]', 'the recipe file (recipe.json); with --app, the name of a recipe the app registered')
    .option('--app <dir>', 'the cloud assembly folder cdk synth wrote (cdk.out): bake a recipe the app registered, in its bakery')
    .option('--fault <rule>', 'inject a fault (repeatable); the rules are listed below', collect, [])
    .option('--seed <n>', 'seed of the simulated account (ids, timings)')
    .option('--state <file>', 'keep the simulated account in this file between runs (loaded when it exists, saved after the bake)')
    .option('--inventory', 'with --state: print what the saved account holds as one JSON line')
    .option('--verbose', 'print the handlers\' log lines')
    .addHelpText('after', SIMULATE_HELP)
    .action(async (recipe: string | undefined, options) => {
      // --fault and --seed may come before the command too, as with --simulate FILE.
      const globals = program.opts<GlobalOptions>();
      const values = {
        ...options,
        fault: [...(globals.fault ?? []), ...options.fault],
        seed: options.seed ?? globals.seed?.toString(),
        json: globals.json,
        // With --app: which bakery of the assembly, as --bakery chooses a deployed one.
        bakery: globals.bakery,
      } as SimulateOptions;
      // Loaded here: the simulator synthesizes the construct, which no other command needs.
      const { runSimulate } = await import('./commands/simulate');
      done(await asUsageError(() => runSimulate(recipe === undefined ? [] : [recipe], values), 'bakery simulate --help lists the options and fault rules'));
    });

  program.command('convert')
    .description('Turn a Packer template (HCL2 file or folder, or JSON) into recipe files, and report what was carried')
    .argument('<template>', 'a *.pkr.hcl file, a folder of them (with its *.auto.pkrvars.hcl), or a legacy *.json template')
    .option('--var <name=value>', 'set a template variable (repeatable); wins over var files, PKR_VAR_* and defaults', collect, [])
    .option('--var-file <file>', 'read variables from a .pkrvars.hcl or JSON file (repeatable; later files win)', collect, [])
    .option('--only <source>', 'convert only this source: source.amazon-ebs.NAME, amazon-ebs.NAME or NAME (repeatable)', collect, [])
    .option('--out <dir>', 'write the recipes and the files they name here', './recipes')
    .option('--cdk', 'also print TypeScript that registers the recipes with an AmiBakery')
    .addHelpText('after', CONVERT_HELP)
    .action(async (template: string, options, command: Command) => {
      const { runConvert } = await import('./commands/convert');
      done(await runConvert(template, { ...options, json: command.optsWithGlobals<GlobalOptions>().json }, terminal));
    });

  program.command('init')
    .description('Write a starter recipe (<dir>/recipe.json) and show the commands that try it and the CDK code that registers it')
    .argument('[dir]', 'the folder for recipe.json, made when missing', '.')
    .option('--name <name>', 'the recipe\'s name (default: the folder\'s name)')
    .option('--force', 'overwrite an existing recipe.json')
    .addHelpText('after', '\nExamples:\n  $ bakery init recipes/web\n  $ bakery init . --name base-image\n')
    .action(async (dir: string, options: InitOptions) => done(runInit(dir, options, terminal)));

  program.command('validate')
    .description('Check a recipe file against the schema and print every problem; exit code 1 when invalid')
    .argument('<recipe.json>', 'the recipe file')
    .addHelpText('after', '\nExample:\n  $ bakery validate examples/recipes/nginx.json\n')
    .action(async (file: string) => done(await asUsageError(() => runValidate(file), 'check the path of the recipe file')));

  return program;
}

/** `simulate` and `validate` report a bad file, fault rule or state file as a usage error (exit code 2). */
async function asUsageError(run: () => Promise<number>, hint: string): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new UsageError((error as Error).message, hint);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a whole number from 1.');
  return Number(value);
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(number > 0)) throw new InvalidArgumentError('expected a number of seconds above 0.');
  return number;
}

const PROGRAM_HELP = `
Finding the bakery:
  Commands that call AWS use the state machine tagged cdk-ami-bakery:bakery in the region. When the
  region has several bakeries, choose one with --bakery <bakeryId> or --state-machine <arn>.
  Credentials and region come from --profile and --region, else the standard AWS chain.

Without an AWS account:
  bakery simulate <recipe.json> [--json] [--fault RULE]... [--seed N] [--state FILE]
  bakery simulate --app <cdk.out> <recipe name> [--bakery ID] [--json] [--fault RULE]... [--seed N] [--state FILE]
  bakery simulate --state FILE --inventory
  bakery validate <recipe.json>
  bakery convert <template.pkr.hcl | folder | template.json> [--out DIR]
  bakery --simulate FILE build|list|status|logs ...   the AWS commands against a simulated account kept in FILE

Examples:
  $ bakery build nginx --follow
  $ bakery build ./recipe.json --override instance.types='["t3.large"]' --follow
  $ bakery list --recipe nginx
  $ bakery status nginx-20261125101500-1a2b
  $ bakery logs nginx-20261125101500-1a2b --step 2
  $ bakery simulate examples/recipes/nginx.json --fault step:2:fail

Exit codes: 0 done (a followed bake succeeded), 1 failed, 2 wrong usage, 130 left with Ctrl-C.
`;

const BUILD_HELP = `
A recipe file (a path ending in .json, or an existing file) is checked first and sent whole as
{"recipe": ...}; anything else is a registered recipe's name, sent as {"recipeName": ...}.
--override values are merged over the recipe by the bakery ("overrides" in the input).

Without --follow the command waits until the bakery has checked the recipe, then prints the build id
and the console link. With --follow it shows each phase, step n of m, the elapsed time and the last
lines of the running step's output, then the manifest. Ctrl-C asks whether to stop the bake.

Examples:
  $ bakery build nginx
  $ bakery build nginx --follow
  $ bakery build examples/recipes/nginx.json --follow --json
  $ bakery build nginx --override instance.types='["t3.large"]' --override keepOnFailure=true
  $ bakery build nginx --name nginx-hotfix-1 --bakery prod
`;

const LIST_HELP = `
Examples:
  $ bakery list
  $ bakery list --recipe nginx --limit 5
  $ bakery list --json | jq -r '.[] | select(.status == "SUCCEEDED") | .amis[].amiId'
`;

const STATUS_HELP = `
Examples:
  $ bakery status nginx-20261125101500-1a2b
  $ bakery status nginx-20261125101500-1a2b --follow
  $ bakery status nginx-20261125101500-1a2b --json | jq .manifest.artifacts
`;

const LOGS_HELP = `
The output is read from the log group named by the state machine's cdk-ami-bakery:output-log-group tag.

Examples:
  $ bakery logs nginx-20261125101500-1a2b
  $ bakery logs nginx-20261125101500-1a2b --step 2 > step-2.log
  $ bakery logs nginx-20261125101500-1a2b --json
`;

const CONVERT_HELP = `
Writes one recipe per amazon-ebs source of each build to --out as <recipe name>.json. Scripts, files and
playbook folders the provisioners name are copied beside the recipes, and the recipes name them by relative
paths, so bakery validate, simulate and build read them as they are.

Variables come as Packer resolves them: defaults, then PKR_VAR_<name> from the environment, then
*.auto.pkrvars.hcl beside the template, then each --var-file, then each --var. A JSON template reads
{{env}} in its variables' defaults and takes JSON var files. timestamp() in a name becomes the recipe's
{{timestamp}}, so each bake gets its own name; data sources become source images read at every bake.

The report has one line for every attribute and block of the template:
  carried as <recipe field>      the recipe does the same
  not needed (<why>)             SSM Run Command replaces SSH/WinRM, or the bakery does it itself
  not carried: <reason>          the recipe cannot express it; the reason says what to do instead
With --json, stdout is one JSON object:
  {"recipes": [{"file", "name"}], "report": [{"file", "line", "attribute", "outcome", "field", "reason"}]}
with "cdk" holding the snippet when --cdk is given. A written recipe that bakery validate would refuse is
named on stderr as a warning.

Exit codes: 0 at least one recipe written, 1 none written (the template has an error, naming its file and
line, or no amazon-ebs source), 2 wrong usage.

Examples:
  $ bakery convert ubuntu.pkr.hcl
  $ bakery convert ./packer --var-file prod.pkrvars.hcl --var version=1.4.2 --out recipes
  $ bakery convert ./packer --only source.amazon-ebs.web --json | jq -r '.recipes[].file'
  $ bakery convert legacy.json --var-file vars.json --cdk
`;

const SIMULATE_HELP = `
Forms:
  bakery simulate <recipe.json> [--json] [--fault RULE]... [--seed N] [--state FILE]
  bakery simulate --app <cdk.out> <recipe name> [--bakery ID] [--json] [--fault RULE]... [--seed N] [--state FILE]
  bakery simulate --state FILE --inventory

The simulator runs the real state machine definition and handlers against a simulated EC2 and SSM
account, on a virtual clock. It prints each phase live, then the manifest. With --json, stdout is only
the manifest, on one line, and the phases go to stderr. Exit code 0 only when the bake succeeded.

--app <cdk.out> bakes a recipe your CDK app registered (addRecipe), by name, in the bakery as cdk synth
wrote it to the cloud assembly folder: run cdk synth first. When the app has several bakeries, --bakery
chooses one by its bakery id, its construct path (Stack/Bakery) or Stack/StateMachineLogicalId. The bake
runs in the stack's account and region (123456789012 in us-east-1 when the stack names none); subnets of
an imported VPC exist in the simulated account, in their zones where cdk.context.json says them.

--state FILE keeps the simulated account between runs: it is loaded from FILE when FILE exists (else a
new account is made; --seed then seeds it) and saved to FILE after the bake, so the next bake sees this
one's AMIs, snapshots and parameters (name it *.bakery-state.json). --state FILE --inventory prints what
the saved account holds as one JSON line: {"images", "snapshots", "instances", "parameters"}.

Fault rules:
  step:<n>:fail, step:<n>:hang, api:<Operation>:throttle[:<count>], api:<Operation>:error[:<count>],
  agent:never-online, image:fail, image:never-available, instance:never-stops, download:fail,
  capacity:<instanceType>, capacity:spot, lambda:<step>:crash

Examples:
  $ bakery simulate examples/recipes/nginx.json
  $ bakery simulate examples/recipes/nginx.json --json --fault step:2:fail
  $ bakery simulate examples/recipes/nginx.json --state dev.bakery-state.json
  $ bakery simulate --app cdk.out web-server --bakery Images/Bakery
  $ bakery simulate --state dev.bakery-state.json --inventory
`;
