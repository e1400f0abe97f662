/**
 * Injectable faults for the simulated account. Rules are short strings, so they fit on a command
 * line (`bakery simulate --fault api:RunInstances:throttle`):
 *
 * - `step:<n>:fail` — provisioning step n (the n-th SendCommand, from 1) exits 1 with an error message;
 * - `step:<n>:hang` — provisioning step n never finishes: SSM stops it at its time limit (`TimedOut`);
 * - `test:<n>:fail` — the n-th command sent to an instance launched from an image this account baked (test n of a
 *   recipe's `tests`) exits 1 with an error message;
 * - `api:<Operation>:throttle[:<count>]` — the first count calls (default 3) are throttled
 *   (EC2 `RequestLimitExceeded`, SSM `ThrottlingException`, S3 `SlowDown`, STS `Throttling`);
 * - `api:<Operation>:error[:<count>]` — the first count calls (default: every call) fail with a
 *   non-retryable error (EC2 `UnauthorizedOperation`, SSM `AccessDeniedException`, S3 and STS `AccessDenied`);
 * - `agent:never-online` — no SSM agent ever registers;
 * - `image:fail` — CreateImage's image ends `failed` (its snapshots stay);
 * - `image:never-available` — CreateImage's image stays `pending`;
 * - `copy:<region>:fail` — CopyImage's copies into that region end `failed` with a reason (their snapshots stay);
 * - `copy:<region>:never-available` — CopyImage's copies into that region stay `pending`;
 * - `instance:never-stops` — a stopped instance stays `stopping`;
 * - `download:fail` — every `aws:downloadContent` (a script, file or ansible step, AWS-ApplyAnsiblePlaybooks)
 *   fails as an unreachable S3 would, so the step fails with the URL named;
 * - `capacity:<instanceType>` — RunInstances with that type fails with `InsufficientInstanceCapacity`;
 * - `capacity:spot` — every Spot request fails with `InsufficientInstanceCapacity` (On-Demand still launches);
 * - `lambda:<step>:crash` — the runner function of that step crashes once after doing its work
 *   (read by the local runner, not by the account);
 * - `snapshot-in-use:<seconds>` — after DeregisterImage, the image's snapshots stay in use that long
 *   (DeleteSnapshot answers `InvalidSnapshot.InUse`), instead of EC2's usual moment;
 * - `api:<Operation>:throttle-for:<seconds>` / `api:<Operation>:error-for:<seconds>` — every call is throttled, or
 *   fails with the hard error, from the first call for that long (an outage that outlasts retries);
 * - `consistency:<seconds>` — a new instance, image or command stays invisible that long: Describe, CreateTags,
 *   TerminateInstances and GetCommandInvocation answer NotFound right after the create, as EC2 and SSM may;
 * - `step:<n>:<ending>` — provisioning step n ends as SSM reports it: `delivery-timeout` (DeliveryTimedOut),
 *   `undeliverable`, `cancelled`, `terminated`, `invalid-platform`, `access-denied`, or `delayed` (the agent
 *   reports Delayed for a while, then runs it);
 * - `capacity:<instanceType>:<zone>` — RunInstances with that type in that Availability Zone fails with
 *   `InsufficientInstanceCapacity` (other zones still launch it);
 * - `unsupported:<instanceType>:<zone>` — that type is not offered in that Availability Zone (`Unsupported`);
 * - `vcpu-limit:<vcpus>` — the account's On-Demand vCPU quota: a launch that would pass it fails with `VcpuLimitExceeded`;
 * - `lambda:<step>:service-error[:<count>]` — the first count invocations (default 1) of that runner function fail
 *   with a Lambda service error before the handler runs (`Lambda.ServiceException` and its kin; read by the local runner).
 * - `event:drop` — EventBridge loses every event EC2 and SSM send (instance state, AMI state, command invocation
 *   status), so the waits that listen for them learn of the change only at their next fallback check;
 * - `event:late` — every such event arrives one to five minutes late;
 * - `event:ahead` — every such event arrives one to five seconds before EC2's and SSM's APIs show the change, as
 *   their eventually consistent reads may lag the event.
 */
import type { FaultHooks } from './model/context';
import { ServiceName, SimulatedAwsError } from './model/errors';
import { serviceOfOperation } from './model/operations';
import type { EventDelivery } from './model/service-events';
import { STEP_NAMES } from '../src/contract';
import { platformNamedBy } from '../src/recipe/platform-rules';
import { stepsIn } from '../src/recipe/step-lists';

export type FaultRule =
  | { readonly kind: 'step-fail' | 'step-hang' | 'test-fail'; readonly step: number; readonly text: string }
  | { readonly kind: 'throttle'; readonly operation: string; readonly count: number; readonly text: string }
  | { readonly kind: 'error'; readonly operation: string; readonly count?: number; readonly text: string }
  | { readonly kind: 'agent-never-online' | 'image-never-available' | 'instance-never-stops' | 'download-fail'; readonly text: string }
  | { readonly kind: 'event-drop' | 'event-late' | 'event-ahead'; readonly text: string }
  | { readonly kind: 'image-fail'; readonly text: string }
  | { readonly kind: 'copy-fail' | 'copy-never-available'; readonly region: string; readonly text: string }
  | { readonly kind: 'lambda-crash'; readonly step: string; readonly text: string }
  | { readonly kind: 'capacity'; readonly instanceType: string; readonly text: string }
  | { readonly kind: 'spot-capacity'; readonly text: string }
  | { readonly kind: 'snapshot-in-use'; readonly seconds: number; readonly text: string }
  | { readonly kind: 'throttle-for' | 'error-for'; readonly operation: string; readonly seconds: number; readonly text: string }
  | { readonly kind: 'consistency'; readonly seconds: number; readonly text: string }
  | { readonly kind: 'step-ending'; readonly step: number; readonly ending: CommandEnding; readonly text: string }
  | { readonly kind: 'zone-capacity' | 'unsupported'; readonly instanceType: string; readonly zone: string; readonly text: string }
  | { readonly kind: 'vcpu-limit'; readonly vcpus: number; readonly text: string }
  | { readonly kind: 'lambda-service-error'; readonly step: string; readonly count: number; readonly text: string };

/** How SSM can end (or hold back) a command other than by its script's exit code, as `step:<n>:<ending>` names it. */
export const COMMAND_ENDINGS = ['delivery-timeout', 'undeliverable', 'cancelled', 'terminated', 'invalid-platform', 'access-denied', 'delayed'] as const;
export type CommandEnding = typeof COMMAND_ENDINGS[number];

export const VALID_FAULT_FORMS = [
  'step:<n>:fail',
  'step:<n>:hang',
  'test:<n>:fail',
  'api:<Operation>:throttle[:<count>]',
  'api:<Operation>:error[:<count>]',
  'agent:never-online',
  'image:fail',
  'image:never-available',
  'copy:<region>:fail',
  'copy:<region>:never-available',
  'instance:never-stops',
  'download:fail',
  'capacity:<instanceType>',
  'capacity:spot',
  'lambda:<step>:crash',
  'snapshot-in-use:<seconds>',
  'api:<Operation>:throttle-for:<seconds>',
  'api:<Operation>:error-for:<seconds>',
  'consistency:<seconds>',
  `step:<n>:<${COMMAND_ENDINGS.join('|')}>`,
  'capacity:<instanceType>:<zone>',
  'unsupported:<instanceType>:<zone>',
  'vcpu-limit:<vcpus>',
  'lambda:<step>:service-error[:<count>]',
  'event:drop',
  'event:late',
  'event:ahead',
];

/** A fault rule that could not be read. */
export class FaultRuleError extends Error {
  constructor(rule: string, reason: string) {
    super(`Invalid fault rule '${rule}': ${reason}. Valid forms: ${VALID_FAULT_FORMS.join(', ')}`);
    this.name = 'FaultRuleError';
  }
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** An Availability Zone name (`us-east-1a`) or id (`use1-az1`). */
const ZONE_PATTERN = /^([a-z]{2}(-[a-z]+)+-\d+[a-z]|[a-z]+\d+-az\d+)$/;
const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

function positiveInteger(rule: string, text: string, what: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new FaultRuleError(rule, `${what} must be a whole number from 1, not '${text}'`);
  return Number(text);
}

function parseApiRule(rule: string, parts: string[]): FaultRule {
  const [, rawOperation = '', action = '', count, ...extra] = parts;
  const operation = serviceOfOperation(rawOperation) ? rawOperation : rawOperation.replace(/Command$/, '');
  if (!serviceOfOperation(operation)) {
    throw new FaultRuleError(rule, `'${rawOperation}' is not an operation the simulator answers`);
  }
  if (action === 'throttle' && extra.length === 0) {
    return { kind: 'throttle', operation, count: count === undefined ? 3 : positiveInteger(rule, count, 'the count'), text: rule };
  }
  if (action === 'error' && extra.length === 0) {
    return { kind: 'error', operation, count: count === undefined ? undefined : positiveInteger(rule, count, 'the count'), text: rule };
  }
  if ((action === 'throttle-for' || action === 'error-for') && count !== undefined && extra.length === 0) {
    return { kind: action, operation, seconds: positiveInteger(rule, count, 'the seconds'), text: rule };
  }
  throw new FaultRuleError(rule,
    `expected 'throttle[:<count>]', 'error[:<count>]', 'throttle-for:<seconds>' or 'error-for:<seconds>' after the operation, not '${parts.slice(2).join(':')}'`);
}

/** Reads one rule. */
export function parseFaultRule(rule: string): FaultRule {
  const text = rule.trim();
  const parts = text.split(':');
  switch (parts[0]) {
    case 'step':
      return parseStepRule(text, parts);
    case 'test':
      if (parts.length === 3 && parts[2] === 'fail') return { kind: 'test-fail', step: positiveInteger(text, parts[1], 'the test number'), text };
      throw new FaultRuleError(text, "expected 'test:<n>:fail', e.g. 'test:1:fail'");
    case 'api':
      return parseApiRule(text, parts);
    case 'agent':
      if (text === 'agent:never-online') return { kind: 'agent-never-online', text };
      throw new FaultRuleError(text, "the only agent fault is 'agent:never-online'");
    case 'image':
      if (text === 'image:fail') return { kind: 'image-fail', text };
      if (text === 'image:never-available') return { kind: 'image-never-available', text };
      throw new FaultRuleError(text, "the image faults are 'image:fail' and 'image:never-available'");
    case 'copy':
      if (parts.length === 3 && REGION_PATTERN.test(parts[1]) && (parts[2] === 'fail' || parts[2] === 'never-available')) {
        return { kind: parts[2] === 'fail' ? 'copy-fail' : 'copy-never-available', region: parts[1], text };
      }
      throw new FaultRuleError(text, "expected 'copy:<region>:fail' or 'copy:<region>:never-available', e.g. 'copy:eu-west-1:fail'");
    case 'instance':
      if (text === 'instance:never-stops') return { kind: 'instance-never-stops', text };
      throw new FaultRuleError(text, "the only instance fault is 'instance:never-stops'");
    case 'event':
      if (text === 'event:drop') return { kind: 'event-drop', text };
      if (text === 'event:late') return { kind: 'event-late', text };
      if (text === 'event:ahead') return { kind: 'event-ahead', text };
      throw new FaultRuleError(text, "the event faults are 'event:drop' (EventBridge loses EC2's and SSM's events), 'event:late' and 'event:ahead'");
    case 'download':
      if (text === 'download:fail') return { kind: 'download-fail', text };
      throw new FaultRuleError(text, "the only download fault is 'download:fail'");
    case 'lambda':
      return parseLambdaRule(text, parts);
    case 'capacity':
      if (text === 'capacity:spot') return { kind: 'spot-capacity', text };
      if (parts.length === 2 && INSTANCE_TYPE_PATTERN.test(parts[1])) return { kind: 'capacity', instanceType: parts[1], text };
      if (parts.length === 3 && INSTANCE_TYPE_PATTERN.test(parts[1]) && ZONE_PATTERN.test(parts[2])) {
        return { kind: 'zone-capacity', instanceType: parts[1], zone: parts[2], text };
      }
      throw new FaultRuleError(text, "expected 'capacity:<instanceType>' or 'capacity:<instanceType>:<zone>', e.g. 'capacity:t3.small:us-east-1a'");
    case 'unsupported':
      if (parts.length === 3 && INSTANCE_TYPE_PATTERN.test(parts[1]) && ZONE_PATTERN.test(parts[2])) {
        return { kind: 'unsupported', instanceType: parts[1], zone: parts[2], text };
      }
      throw new FaultRuleError(text, "expected 'unsupported:<instanceType>:<zone>', e.g. 'unsupported:t3.small:us-east-1e'");
    case 'vcpu-limit':
      if (parts.length === 2) return { kind: 'vcpu-limit', vcpus: positiveInteger(text, parts[1], 'the vCPU quota'), text };
      throw new FaultRuleError(text, "expected 'vcpu-limit:<vcpus>', e.g. 'vcpu-limit:2'");
    case 'consistency':
      if (parts.length === 2) return { kind: 'consistency', seconds: positiveInteger(text, parts[1], 'the seconds'), text };
      throw new FaultRuleError(text, "expected 'consistency:<seconds>', e.g. 'consistency:5'");
    case 'snapshot-in-use':
      if (parts.length === 2) return { kind: 'snapshot-in-use', seconds: positiveInteger(text, parts[1], 'the seconds'), text };
      throw new FaultRuleError(text, "expected 'snapshot-in-use:<seconds>', e.g. 'snapshot-in-use:600'");
    default:
      throw new FaultRuleError(text, `unknown fault kind '${parts[0]}'`);
  }
}

function parseStepRule(text: string, parts: string[]): FaultRule {
  const ending = parts[2] as CommandEnding;
  if (parts.length === 3 && (parts[2] === 'fail' || parts[2] === 'hang')) {
    return { kind: parts[2] === 'fail' ? 'step-fail' : 'step-hang', step: positiveInteger(text, parts[1], 'the step number'), text };
  }
  if (parts.length === 3 && COMMAND_ENDINGS.includes(ending)) {
    return { kind: 'step-ending', step: positiveInteger(text, parts[1], 'the step number'), ending, text };
  }
  throw new FaultRuleError(text, `expected 'step:<n>:fail', 'step:<n>:hang' or 'step:<n>:<ending>' with an ending of ${COMMAND_ENDINGS.join(', ')}`);
}

function parseLambdaRule(text: string, parts: string[]): FaultRule {
  const [, step = '', action, count, ...extra] = parts;
  if (/^[a-z][a-z-]*$/.test(step) && extra.length === 0) {
    if (action === 'crash' && count === undefined) return { kind: 'lambda-crash', step, text };
    if (action === 'service-error') return { kind: 'lambda-service-error', step, count: count === undefined ? 1 : positiveInteger(text, count, 'the count'), text };
  }
  throw new FaultRuleError(text, "expected 'lambda:<step>:crash' or 'lambda:<step>:service-error[:<count>]', e.g. 'lambda:launch:crash'");
}

/** Reads rules given as a list and/or comma-separated strings; empty entries are ignored. */
export function parseFaults(rules: string | readonly string[] | undefined): FaultRule[] {
  const list = typeof rules === 'string' ? [rules] : rules ?? [];
  return list.flatMap((entry) => entry.split(',')).map((r) => r.trim()).filter(Boolean).map(parseFaultRule);
}

/** The parts of a recipe (parsed JSON, not yet validated) the fault rules are checked against. */
interface RecipeShape {
  readonly name?: unknown;
  readonly source?: unknown;
  readonly steps?: unknown;
  readonly tests?: unknown;
  readonly onFailure?: unknown;
  readonly windows?: { readonly sysprep?: unknown };
}

/**
 * The rules that name something the bake of this recipe certainly does not have, one problem per rule, each
 * naming the rule and what exists: `step:<n>` and `test:<n>` past every command the bake can send, and
 * `lambda:<step>` naming no runner function. Rules that depend on what is only known during the bake (regions
 * the bakery adds, default instance types, what a document downloads) are left alone. A recipe whose
 * lists are not lists is left to the recipe's own validation.
 */
export function faultRuleProblems(rules: string | readonly string[] | readonly FaultRule[], recipe: unknown): string[] {
  const list = typeof rules === 'string' ? [rules] : rules;
  const parsed = list.every((rule) => typeof rule === 'string') ? parseFaults(list as readonly string[]) : (list as readonly FaultRule[]);
  const shape = (typeof recipe === 'object' && recipe !== null ? recipe : {}) as RecipeShape;
  const commands = commandsOf(shape);
  const name = typeof shape.name === 'string' ? `recipe "${shape.name}"` : 'the recipe';
  return parsed.flatMap((rule) => {
    if (rule.kind === 'lambda-crash' || rule.kind === 'lambda-service-error') return unknownRunnerStep(rule);
    if (!commands || !isCommandRule(rule)) return [];
    if (rule.kind === 'test-fail') {
      const tests = Array.isArray(shape.tests) ? shape.tests.length : 0;
      // Commands to the build instance count too when it is launched from an image this account baked.
      const most = sourceIsPublic(shape) ? tests : commands.count;
      return rule.step > most ? [`fault rule '${rule.text}' names ${testBeyond(rule.step, name, tests)}`] : [];
    }
    return rule.step > commands.count ? [`fault rule '${rule.text}' names ${stepBeyond(rule.step, name, commands)}`] : [];
  });
}

/** `step:<n>:fail`, `step:<n>:hang` and `test:<n>:fail`: rules that count SSM commands. */
function isCommandRule(rule: FaultRule): rule is FaultRule & { kind: 'step-fail' | 'step-hang' | 'step-ending' | 'test-fail' } {
  return rule.kind === 'step-fail' || rule.kind === 'step-hang' || rule.kind === 'step-ending' || rule.kind === 'test-fail';
}

function unknownRunnerStep(rule: FaultRule & { kind: 'lambda-crash' | 'lambda-service-error' }): string[] {
  if ((STEP_NAMES as readonly string[]).includes(rule.step)) return [];
  return [`fault rule '${rule.text}' names runner step '${rule.step}', which does not exist; the runner steps are ${STEP_NAMES.join(', ')}`];
}

/** `step 9, but recipe "nginx" has 3 steps; ...`, or the whole count when tests, onFailure steps or sysprep add commands. */
function stepBeyond(step: number, name: string, commands: CommandCount): string {
  if (commands.parts.length === 1) return `step ${step}, but ${name} has ${commands.parts[0]}; use step:1 to step:${commands.count}`;
  return `step ${step}, but a bake of ${name} sends at most ${counted(commands.count, 'command')} (${commands.parts.join(', ')}), counted from 1`;
}

/** `test 4, but recipe "nginx" has no tests`. */
function testBeyond(test: number, name: string, tests: number): string {
  if (tests === 0) return `test ${test}, but ${name} has no tests`;
  return `test ${test}, but ${name} has ${counted(tests, 'test')}; use test:1 to test:${tests}`;
}

/** True when the source is one of AWS's public parameters, so the build instance is never launched from an image this account baked. */
function sourceIsPublic(recipe: RecipeShape): boolean {
  const parameter = (recipe.source as { ssmParameter?: unknown } | null | undefined)?.ssmParameter;
  return typeof parameter === 'string' && parameter.startsWith('/aws/service/');
}

interface CommandCount {
  /** The most SSM commands one bake sends. */
  readonly count: number;
  /** What sends them: `3 steps`, `1 Windows sysprep step`, `2 tests`, `1 onFailure step` (those above 0). */
  readonly parts: string[];
}

/**
 * The most SSM commands one bake of the recipe can send (step rules count them from 1): the steps, a Windows
 * build's sysprep step, the tests and the onFailure steps; undefined when `steps` is not a list.
 */
function commandsOf(recipe: RecipeShape): CommandCount | undefined {
  if (!Array.isArray(recipe.steps)) return undefined;
  const parts: [number, string][] = [
    [recipe.steps.length, 'step'],
    [mayGeneralizeWindows(recipe) ? 1 : 0, 'Windows sysprep step'],
    [Array.isArray(recipe.tests) ? recipe.tests.length : 0, 'test'],
    [Array.isArray(recipe.onFailure) ? recipe.onFailure.length : 0, 'onFailure step'],
  ];
  return {
    count: parts.reduce((sum, [n]) => sum + n, 0),
    parts: parts.filter(([n], index) => n > 0 || index === 0).map(([n, what]) => counted(n, what)),
  };
}

/**
 * False when a Windows build of the recipe certainly sends no sysprep command: sysprep is turned off, the source
 * names a Linux image, or a shell or ansible step makes Prepare refuse a Windows source before anything runs.
 */
function mayGeneralizeWindows(recipe: RecipeShape): boolean {
  if (recipe.windows?.sysprep === false) return false;
  const linuxOnly = stepsIn<unknown>(recipe).some(({ step }) => typeof step === 'object' && step !== null && ('shell' in step || 'ansible' in step));
  const source = recipe.source;
  return !linuxOnly && !(typeof source === 'object' && source !== null && platformNamedBy(source) === 'linux');
}

function counted(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The faults of one simulated account, with the call counts throttling needs. */
export class FaultSet implements FaultHooks {
  private current: readonly FaultRule[];
  private readonly throttled = new Map<string, number>();
  private readonly failed = new Map<string, number>();
  private readonly crashed = new Set<string>();
  private readonly serviceErrors = new Map<string, number>();
  /** When each `*-for:<seconds>` rule first answered a call (its outage runs from then). */
  private readonly outageStarts = new Map<string, number>();

  constructor(rules: string | readonly string[] | readonly FaultRule[] = []) {
    const list = typeof rules === 'string' ? [rules] : rules;
    this.current = list.every((r) => typeof r === 'string')
      ? parseFaults(list as readonly string[])
      : (list as readonly FaultRule[]);
  }

  /** The rules in force. */
  get rules(): readonly FaultRule[] {
    return this.current;
  }

  /** Ends every fault, as when an outage is over. */
  clear(): void {
    this.current = [];
  }

  get agentNeverOnline(): boolean {
    return this.rules.some((r) => r.kind === 'agent-never-online');
  }

  get imageFailure(): string | undefined {
    return this.rules.find((r) => r.kind === 'image-fail')?.text;
  }

  get snapshotInUseMs(): number | undefined {
    const rule = this.rules.find((r): r is Extract<FaultRule, { kind: 'snapshot-in-use' }> => r.kind === 'snapshot-in-use');
    return rule ? rule.seconds * 1000 : undefined;
  }

  get imageNeverAvailable(): boolean {
    return this.rules.some((r) => r.kind === 'image-never-available');
  }

  copyFailure(region: string): string | undefined {
    return this.rules.find((r) => r.kind === 'copy-fail' && r.region === region)?.text;
  }

  copyNeverAvailable(region: string): boolean {
    return this.rules.some((r) => r.kind === 'copy-never-available' && r.region === region);
  }

  get downloadFailure(): string | undefined {
    return this.rules.find((r) => r.kind === 'download-fail')?.text;
  }

  get noSpotCapacity(): boolean {
    return this.rules.some((r) => r.kind === 'spot-capacity');
  }

  get eventDelivery(): EventDelivery {
    if (this.rules.some((r) => r.kind === 'event-drop')) return 'drop';
    if (this.rules.some((r) => r.kind === 'event-late')) return 'late';
    return this.rules.some((r) => r.kind === 'event-ahead') ? 'ahead' : 'on-time';
  }

  get instanceNeverStops(): boolean {
    return this.rules.some((r) => r.kind === 'instance-never-stops');
  }

  stepFailure(n: number): string | undefined {
    return this.rules.find((r) => r.kind === 'step-fail' && r.step === n)?.text;
  }

  testFailure(n: number): string | undefined {
    return this.rules.find((r) => r.kind === 'test-fail' && r.step === n)?.text;
  }

  stepHangs(n: number): boolean {
    return this.rules.some((r) => r.kind === 'step-hang' && r.step === n);
  }

  /** True once for a runner step a `lambda:<step>:crash` rule names: the first invocation crashes. */
  crashOnce(step: string): boolean {
    const rule = this.rules.find((r) => r.kind === 'lambda-crash' && r.step === step);
    if (!rule || this.crashed.has(step)) return false;
    this.crashed.add(step);
    return true;
  }

  /** True when RunInstances of this type has no capacity, everywhere or in this Availability Zone (name or id). */
  noCapacity(instanceType: string, zones: readonly string[] = []): boolean {
    return this.rules.some((r) => (r.kind === 'capacity' && r.instanceType === instanceType)
      || (r.kind === 'zone-capacity' && r.instanceType === instanceType && zones.includes(r.zone)));
  }

  /** True when this type is not offered in this Availability Zone (name or id). */
  unsupportedIn(instanceType: string, zones: readonly string[]): boolean {
    return this.rules.some((r) => r.kind === 'unsupported' && r.instanceType === instanceType && zones.includes(r.zone));
  }

  /** The account's On-Demand vCPU quota (`vcpu-limit:<vcpus>`), if a rule sets one. */
  get vcpuLimit(): number | undefined {
    return this.rules.find((r): r is Extract<FaultRule, { kind: 'vcpu-limit' }> => r.kind === 'vcpu-limit')?.vcpus;
  }

  /** How long new instances, images and commands stay invisible (`consistency:<seconds>`); 0 without the rule. */
  get consistencyWindowMs(): number {
    const rule = this.rules.find((r): r is Extract<FaultRule, { kind: 'consistency' }> => r.kind === 'consistency');
    return rule ? rule.seconds * 1000 : 0;
  }

  /** How SSM ends (or holds back) provisioning step n, when a `step:<n>:<ending>` rule says. */
  stepEnding(n: number): { readonly ending: CommandEnding; readonly text: string } | undefined {
    return this.rules.find((r): r is Extract<FaultRule, { kind: 'step-ending' }> => r.kind === 'step-ending' && r.step === n);
  }

  /** The rule text when this invocation of a runner function must fail with a Lambda service error (counts the invocations). */
  lambdaServiceError(step: string): string | undefined {
    const rule = this.rules.find((r): r is Extract<FaultRule, { kind: 'lambda-service-error' }> => r.kind === 'lambda-service-error' && r.step === step);
    if (!rule) return undefined;
    const seen = this.serviceErrors.get(step) ?? 0;
    this.serviceErrors.set(step, seen + 1);
    return seen < rule.count ? rule.text : undefined;
  }

  /**
   * The error an API call must fail with, if a rule says so (counts the call for throttling). `now` (virtual
   * ms) times the `*-for:<seconds>` outages, which start at the first call they answer.
   */
  apiFault(service: ServiceName, operation: string, now: number = Date.now()): SimulatedAwsError | undefined {
    for (const rule of this.rules) {
      if ((rule.kind === 'throttle-for' || rule.kind === 'error-for') && rule.operation === operation) {
        const start = this.outageStarts.get(rule.text) ?? now;
        this.outageStarts.set(rule.text, start);
        if (now < start + rule.seconds * 1000) return rule.kind === 'throttle-for' ? throttleError(service, rule.text) : hardError(service, operation, rule.text);
      }
      if (rule.kind === 'error' && rule.operation === operation) {
        const seen = this.failed.get(operation) ?? 0;
        this.failed.set(operation, seen + 1);
        if (rule.count === undefined || seen < rule.count) return hardError(service, operation, rule.text);
      }
      if (rule.kind === 'throttle' && rule.operation === operation) {
        const seen = this.throttled.get(operation) ?? 0;
        this.throttled.set(operation, seen + 1);
        if (seen < rule.count) return throttleError(service, rule.text);
      }
    }
    return undefined;
  }
}

function throttleError(service: ServiceName, rule: string): SimulatedAwsError {
  const injected = `(injected by fault rule ${rule})`;
  const options = { fault: 'client', throttling: true } as const;
  switch (service) {
    case 'ec2':
      return new SimulatedAwsError(service, 'RequestLimitExceeded', `Request limit exceeded. ${injected}`, { ...options, httpStatusCode: 503 });
    case 'ssm':
      return new SimulatedAwsError(service, 'ThrottlingException', `Rate exceeded ${injected}`, { ...options, httpStatusCode: 400 });
    case 's3':
      return new SimulatedAwsError(service, 'SlowDown', `Please reduce your request rate. ${injected}`, { ...options, httpStatusCode: 503 });
    case 'sts':
      return new SimulatedAwsError(service, 'Throttling', `Rate exceeded ${injected}`, { ...options, httpStatusCode: 400 });
    case 'logs':
    case 'sfn':
      return new SimulatedAwsError(service, 'ThrottlingException', `Rate exceeded ${injected}`, { ...options, httpStatusCode: 400 });
  }
}

function hardError(service: ServiceName, operation: string, rule: string): SimulatedAwsError {
  const injected = `(injected by fault rule ${rule})`;
  switch (service) {
    case 'ec2':
      return new SimulatedAwsError(service, 'UnauthorizedOperation',
        `You are not authorized to perform this operation: ec2:${operation} ${injected}`, { httpStatusCode: 403 });
    case 'ssm':
      return new SimulatedAwsError(service, 'AccessDeniedException', `User is not authorized to perform: ssm:${operation} ${injected}`, { httpStatusCode: 400 });
    case 's3':
      return new SimulatedAwsError(service, 'AccessDenied', `Access Denied ${injected}`, { httpStatusCode: 403 });
    case 'sts':
      return new SimulatedAwsError(service, 'AccessDenied', `User is not authorized to perform: sts:${operation} ${injected}`, { httpStatusCode: 403 });
    case 'logs':
    case 'sfn':
      return new SimulatedAwsError(service, 'AccessDeniedException', `User is not authorized to perform: ${service === 'sfn' ? 'states' : service}:${operation} ${injected}`,
        { httpStatusCode: 400 });
  }
}
