/**
 * The fault matrix: every AWS operation the workflow uses × {throttled 3 times, throttled past the retry
 * budget, a hard error, never ready (where there is a wait)}, a stop at every state, and a Lambda crash
 * in every runner function, over six recipes (one copies its image to two regions and publishes an SSM
 * parameter; one runs a document and brings a script, a file and a playbook; one tests its image; one bakes
 * Windows). Each scenario says how the bake must end.
 */
import { badDayScenarios, RECIPE_BAD_DAYS } from './bad-days';
import { SDK_MAX_ATTEMPTS } from '../../lambda/shared/clients/registry';
import type { PhaseName } from '../../lambda/shared/types';

export interface Scenario {
  readonly name: string;
  readonly recipe: string;
  readonly faults: string[];
  readonly abortAtState?: string;
  readonly expected: { readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED'; readonly phase?: PhaseName };
}

interface Operation {
  readonly name: string;
  /** The phase a persistent error in this operation fails the bake in; none when the bake survives it. */
  readonly failsIn?: PhaseName;
  /**
   * Operations only cleanup uses: a persistent error there cannot be outlived by anyone, so the matrix
   * gives them one hard error, which the cleanup's retries must get past.
   */
  readonly cleanupOnly?: boolean;
  /**
   * Where throttling that outlasts one task's retries fails the bake, when that differs from `failsIn`:
   * the final cleanup's calls are retried too, and when they still fail the bake fails in cleanup.
   */
  readonly outlastedIn?: PhaseName;
  /** Recipes that never call the operation (so a fault in it changes nothing, and its never-ready fault is skipped). */
  readonly unusedBy?: string[];
  /**
   * Tasks that call the operation at the same time (one per copy region; an awaited check and the invocations of
   * the event that wakes it): throttling must outlast all of their retries together before one of them runs out.
   */
  readonly parallelTasks?: number;
  /** The fault that makes the operation's wait never end, and the phase that must fail. */
  readonly neverReady?: { readonly fault: string; readonly phase: PhaseName };
  /** Recipes that call the operation first in another phase (the tested recipe terminates its test instance in `test`). */
  readonly byRecipe?: Record<string, { readonly outlastedIn?: PhaseName }>;
}

/** The recipe that copies its image to other regions and publishes an SSM parameter. */
const DISTRIBUTED = 'ubuntu-distributed';
/** The recipe whose steps bring files (staged from `MATRIX_FILES_DIR`) and run an SSM document. */
const FILES = 'ubuntu-files';
/** The recipe with `tests` and `onFailure` steps. */
const TESTED = 'ubuntu-tested';
/** The Windows recipe: PowerShell, a restart, and EC2Launch's sysprep before the image. */
const WINDOWS = 'windows-2022';
const NOT_DISTRIBUTED = ['ubuntu-reboot', 'al2023-filter', FILES, TESTED, WINDOWS];

/** The folder the files recipe's sources are relative to. */
export const MATRIX_FILES_DIR = 'examples/recipes/web-files';

/** Every AWS operation the workflow's handlers call. */
export const OPERATIONS: Operation[] = [
  // Prepare reads a source parameter.
  { name: 'GetParameter', failsIn: 'prepare', unusedBy: ['al2023-filter'] },
  // Prepare reads the recipe catalog, and each staged layout's SHA256SUMS and a script's first bytes.
  { name: 'GetObject', failsIn: 'prepare' },
  { name: 'DescribeImages', failsIn: 'prepare', neverReady: { fault: 'image:never-available', phase: 'create-image' } },
  { name: 'RunInstances', failsIn: 'launch' },
  { name: 'DescribeInstances', failsIn: 'wait-for-agent', neverReady: { fault: 'instance:never-stops', phase: 'stop' } },
  { name: 'DescribeInstanceInformation', failsIn: 'wait-for-agent', neverReady: { fault: 'agent:never-online', phase: 'wait-for-agent' } },
  { name: 'SendCommand', failsIn: 'provision' },
  // The first awaited wait (step 1's) registers its task token, and its check sends the outcome.
  { name: 'PutObject', failsIn: 'provision' },
  { name: 'SendTaskSuccess', failsIn: 'provision', parallelTasks: 4 },
  // A wait's registration is removed best effort (the staging bucket's lifecycle rule removes what is left).
  { name: 'DeleteObject' },
  // The awaiting check and the event's invocation (with Lambda's two retries) both ask for the same command.
  { name: 'GetCommandInvocation', failsIn: 'provision', parallelTasks: 4, neverReady: { fault: 'step:1:hang', phase: 'provision' } },
  { name: 'StopInstances', failsIn: 'stop' },
  { name: 'CreateImage', failsIn: 'create-image' },
  { name: 'ModifyImageAttribute', failsIn: 'create-image' },
  {
    name: 'CopyImage',
    failsIn: 'distribute',
    unusedBy: NOT_DISTRIBUTED,
    parallelTasks: 2,
    neverReady: { fault: 'copy:eu-west-1:never-available', phase: 'distribute' },
  },
  { name: 'PutParameter', failsIn: 'distribute', unusedBy: NOT_DISTRIBUTED },
  // Cleanup retries for about 20 minutes: it outlasts throttling a task's retries would not.
  { name: 'TerminateInstances', cleanupOnly: true },
  { name: 'DescribeSnapshots' },
  { name: 'DeregisterImage', cleanupOnly: true },
  { name: 'DeleteSnapshot', cleanupOnly: true },
];

/** Calls one task makes to an operation that keeps failing: seven attempts (the first and six retries), each making the SDK's attempts. */
const TASK_CALLS = 7 * SDK_MAX_ATTEMPTS;

/** Runner functions and the phase a crash in each fails the bake in (cleanup-failure crashes on a failure path). */
const CRASHES: { step: string; phase?: PhaseName; route?: string[]; onlyFor?: string }[] = [
  { step: 'prepare', phase: 'prepare' },
  { step: 'launch', phase: 'launch' },
  { step: 'check-agent', phase: 'wait-for-agent' },
  { step: 'run-step', phase: 'provision' },
  { step: 'check-step', phase: 'provision' },
  { step: 'stop', phase: 'stop' },
  { step: 'check-stopped', phase: 'stop' },
  { step: 'create-image', phase: 'create-image' },
  { step: 'check-image', phase: 'create-image' },
  { step: 'finish-tests', phase: 'test', onlyFor: TESTED },
  { step: 'copy-image', phase: 'distribute', onlyFor: DISTRIBUTED },
  { step: 'check-copy', phase: 'distribute', onlyFor: DISTRIBUTED },
  { step: 'distribute', phase: 'distribute' },
  { step: 'finish', phase: 'cleanup' },
  { step: 'cleanup-failure', phase: 'provision', route: ['step:1:fail'] },
];

/** Faults that lead a bake through each failure-path state, so a stop there can be tested. */
const ROUTES: Record<string, string[]> = {
  'Failed in prepare': ['api:DescribeImages:error'],
  'Failed in launch': ['api:RunInstances:error'],
  'Failed in wait-for-agent': ['agent:never-online'],
  'Failed in provision': ['step:1:fail'],
  'Failed in stop': ['api:StopInstances:error'],
  'Failed in create-image': ['image:fail'],
  'Failed in test': ['test:1:fail'],
  'Run failure steps?': ['step:1:fail'],
  'Failed in distribute': ['lambda:distribute:crash'],
  'Failed in cleanup': ['lambda:finish:crash'],
  'Clean up after failure': ['step:1:fail'],
  'Report cleanup failure': ['step:1:fail', 'lambda:cleanup-failure:crash'],
  'Describe cleanup failure': ['step:1:fail', 'lambda:cleanup-failure:service-error:30'],
  'Announce bake failed': ['step:1:fail'],
};

/** States only a recipe with `tests` enters. */
const TEST_STATES = [
  'Launch test instance', 'Wait for test instance agent', 'Check test instance agent', 'Test instance agent online?',
  'Start test step', 'Check test step', 'No event for test step', 'Test step finished?', 'Any tests left?', 'Finish tests', 'Failed in test',
];

/** States only a recipe with `onFailure` steps enters, after a provisioning step failed. */
const FAILURE_STEP_STATES = ['Start failure step', 'Check failure step', 'No event for failure step', 'Failure step finished?', 'Any failure steps left?'];
for (const state of FAILURE_STEP_STATES) ROUTES[state] = ['step:1:fail'];
// An awaited wait checks again only when no event came in time: with every event lost, each does.
for (const state of ['No event for provisioning step', 'No event for instance stop', 'No event for image', 'No event for test step']) ROUTES[state] = ['event:drop'];
ROUTES['No event for failure step'] = ['step:1:fail', 'event:drop'];

/** End states: the execution is over the moment it enters them, so there is nothing left to stop. */
const END_STATES = ['Bake succeeded', 'Bake skipped', 'Bake failed', 'Cleanup after failure failed'];

/** The recipes every scenario runs over: one with a reboot step, one from an image filter. */
export const MATRIX_RECIPES: Record<string, Record<string, unknown>> = {
  'ubuntu-reboot': {
    schemaVersion: 1,
    name: 'ubuntu-reboot',
    source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
    steps: [{ shell: { commands: ['apt-get update -y', 'apt-get install -y nginx'] } }, { reboot: {} }, { shell: { commands: ['curl -fsS localhost'] } }],
  },
  'al2023-filter': {
    schemaVersion: 1,
    name: 'al2023-filter',
    source: { filter: { owners: ['amazon'], name: 'al2023-ami-2023.*-kernel-6.1-arm64', architecture: 'arm64' } },
    instance: { types: ['t4g.small', 't4g.medium'] },
    steps: [{ shell: { commands: ['dnf install -y httpd', 'systemctl enable httpd'] } }],
  },
  [DISTRIBUTED]: {
    schemaVersion: 1,
    name: DISTRIBUTED,
    source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
    steps: [{ shell: { commands: ['apt-get update -y', 'apt-get install -y nginx'] } }],
    distribution: { regions: ['eu-west-1', 'ap-southeast-2'], ssmParameter: '/images/ubuntu-distributed/latest' },
  },
  [TESTED]: {
    schemaVersion: 1,
    name: TESTED,
    source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
    steps: [{ shell: { commands: ['apt-get update -y', 'apt-get install -y nginx', 'mkdir -p /etc/baked', 'echo ok > /etc/baked/ready'] } }],
    tests: [{ shell: { commands: ['test -f /etc/baked/ready', 'systemctl is-active nginx'] } }, { shell: { commands: ['curl -fsS localhost'] } }],
    onFailure: [{ shell: { commands: ['echo collecting logs'] } }],
  },
  [WINDOWS]: {
    schemaVersion: 1,
    name: WINDOWS,
    source: { ssmParameter: '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base' },
    steps: [
      { powershell: { commands: ['Install-WindowsFeature -Name Web-Server -IncludeManagementTools'] } },
      { reboot: {} },
      { powershell: { commands: ["Set-Content -Path 'C:\\inetpub\\wwwroot\\index.html' -Value 'baked'"] } },
    ],
  },
  [FILES]: {
    schemaVersion: 1,
    name: FILES,
    source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
    steps: [
      { document: { name: 'AWS-RunPatchBaseline', parameters: { Operation: ['Install'] } } },
      { script: { source: 'scripts/install-nginx.sh' } },
      { file: { source: 'files/nginx.conf', destination: '/etc/nginx/nginx.conf', mode: '0644' } },
      { ansible: { source: 'ansible/', playbook: 'site.yml', extraVars: { env: 'prod' } } },
    ],
  },
};

/** Faults that only a recipe's own steps can meet. */
const RECIPE_SCENARIOS: Record<string, RecipeLess[]> = {
  [FILES]: [
    { name: 'every download fails', faults: ['download:fail'], expected: { status: 'FAILED', phase: 'provision' } },
    { name: 'the file step fails', faults: ['step:3:fail'], expected: { status: 'FAILED', phase: 'provision' } },
    { name: 'the document step hangs', faults: ['step:1:hang'], expected: { status: 'FAILED', phase: 'provision' } },
  ],
  [WINDOWS]: [
    { name: 'the restart step fails', faults: ['step:2:fail'], expected: { status: 'FAILED', phase: 'provision' } },
    { name: 'sysprep fails', faults: ['step:4:fail'], expected: { status: 'FAILED', phase: 'provision' } },
    { name: 'sysprep hangs', faults: ['step:4:hang'], expected: { status: 'FAILED', phase: 'provision' } },
  ],
  [TESTED]: [
    { name: 'the first test fails', faults: ['test:1:fail'], expected: { status: 'FAILED', phase: 'test' } },
    { name: 'the last test fails', faults: ['test:2:fail'], expected: { status: 'FAILED', phase: 'test' } },
    { name: 'a step fails and the failure steps run', faults: ['step:1:fail'], expected: { status: 'FAILED', phase: 'provision' } },
    { name: 'a step and a failure step fail', faults: ['step:1:fail', 'step:2:fail'], expected: { status: 'FAILED', phase: 'provision' } },
  ],
};

/**
 * Every scenario, for the states of the given definition: `stateNames` are the top-level states, `copyStateNames`
 * those of the per-region copy branch, which only a recipe with copies enters.
 */
export function buildScenarios(stateNames: readonly string[], copyStateNames: readonly string[] = []): Scenario[] {
  return Object.keys(MATRIX_RECIPES).flatMap((recipe) => {
    const states = statesOf(recipe, stateNames, copyStateNames);
    return [
      ...apiScenarios(recipe), ...abortScenarios(states), ...crashScenarios(recipe), ...(RECIPE_SCENARIOS[recipe] ?? []),
      ...badDayScenarios(runnerStepsOf(recipe)), ...(RECIPE_BAD_DAYS[recipe] ?? []),
    ]
      .map((scenario) => ({ ...scenario, recipe, name: `${recipe} ${scenario.name}` }));
  });
}

/** The states a recipe's bakes can enter: the copy branch only with copies, the test states only with tests, the failure steps only with them. */
function statesOf(recipe: string, stateNames: readonly string[], copyStateNames: readonly string[]): string[] {
  const states = recipe === DISTRIBUTED ? [...stateNames, ...copyStateNames] : [...stateNames];
  const document = MATRIX_RECIPES[recipe];
  return states.filter((state) => (document.tests || !TEST_STATES.includes(state)) && (document.onFailure || !FAILURE_STEP_STATES.includes(state)));
}

type RecipeLess = Omit<Scenario, 'recipe'>;

const SUCCEEDS: Scenario['expected'] = { status: 'SUCCEEDED' };

function apiScenarios(recipe: string): RecipeLess[] {
  return OPERATIONS.flatMap((op) => {
    const used = !op.unusedBy?.includes(recipe);
    const failsIn = used ? op.failsIn : undefined;
    const outlastedIn = used ? op.byRecipe?.[recipe]?.outlastedIn ?? op.outlastedIn ?? op.failsIn : undefined;
    const hardError = op.cleanupOnly ? `api:${op.name}:error:1` : `api:${op.name}:error`;
    const scenarios: RecipeLess[] = [
      { name: `${op.name} throttled 3 times`, faults: [`api:${op.name}:throttle:3`], expected: SUCCEEDS },
      {
        name: `${op.name} throttled past one task's retries`,
        faults: [`api:${op.name}:throttle:${TASK_CALLS * (op.parallelTasks ?? 1)}`],
        expected: outlastedIn ? { status: 'FAILED', phase: outlastedIn } : SUCCEEDS,
      },
      { name: `${op.name} hard error`, faults: [hardError], expected: failsIn ? { status: 'FAILED', phase: failsIn } : SUCCEEDS },
    ];
    if (op.neverReady && used) {
      scenarios.push({ name: `${op.name} never ready`, faults: [op.neverReady.fault], expected: { status: 'FAILED', phase: op.neverReady.phase } });
    }
    return scenarios;
  });
}

function abortScenarios(stateNames: readonly string[]): RecipeLess[] {
  return stateNames.filter((state) => !END_STATES.includes(state)).map((state) => ({
    name: `stopped in "${state}"`,
    faults: ROUTES[state] ?? [],
    abortAtState: state,
    expected: { status: 'ABORTED' as const },
  }));
}

/** The runner functions a bake of the recipe invokes, each with the phase a failure there fails it in. */
function runnerStepsOf(recipe: string): typeof CRASHES {
  return CRASHES.filter(({ onlyFor }) => !onlyFor || onlyFor === recipe);
}

function crashScenarios(recipe: string): RecipeLess[] {
  return [
    ...runnerStepsOf(recipe).map(({ step, phase, route }) => ({
      name: `Lambda crash in ${step}`,
      faults: [...(route ?? []), `lambda:${step}:crash`],
      expected: { status: 'FAILED' as const, phase },
    })),
    { name: 'Lambda crash in abort-cleanup', faults: ['lambda:abort-cleanup:crash'], abortAtState: 'Check provisioning step', expected: { status: 'ABORTED' } },
  ];
}
