/**
 * The functions and template variables of Packer's legacy JSON templates (packer-plugin-sdk's
 * `template/interpolate/funcs.go` and the Amazon builders' `clean_resource_name`), each checked for Go's argument
 * count and types. Values known only when the image is baked (`timestamp`, `isotime`, `uuid`, `.SourceAMI`,
 * `build \`ID\``, a provisioner's `.Path`) become bake-time markers, which the converter carries or reports.
 */
import type { EngineContext } from './template-engine';
import { cleanResourceName, hasMarkers, isotimeLayout, print, printf, replaceText, shown, splitText, strftimeFormat } from './template-formats';
import type { Fail, TemplateValue } from './template-lexer';
import { bakeTimeMarker, outsideMarkers } from '../hcl/bake-time';

/** What a function is called with besides its arguments. */
export interface Call {
  readonly name: string;
  readonly context: EngineContext;
  readonly fail: Fail;
}

type Kind = 'string' | 'int' | 'any';

interface TemplateFunction {
  readonly params: readonly Kind[];
  /** The kind of any further arguments, for functions that take a variable number. */
  readonly rest?: Kind;
  /** How it is written, for error messages. */
  readonly usage: string;
  readonly run: (args: TemplateValue[], call: Call) => TemplateValue;
}

/** Packer's build variables (`{{ build \`ID\` }}`, `{{ .SourceAMI }}`), known only while it builds. */
const BUILD_VARIABLES = new Set([
  'ID', 'Name', 'PackerRunUUID', 'Host', 'Port', 'User', 'Password', 'ConnType', 'PackerHTTPAddr', 'PackerHTTPIP', 'PackerHTTPPort',
  'SSHPublicKey', 'SSHPrivateKey', 'WinRMPassword', 'BuildRegion', 'SourceAMI', 'SourceAMIName', 'SourceAMIOwner', 'SourceAMIOwnerName',
  'SourceAMICreationDate', 'SourceAMITags',
]);
/** The variables of a provisioner's `execute_command` (`{{ .Vars }} {{ .Path }}`), known only when it runs. */
const PROVISIONER_VARIABLES = new Set(['Path', 'Vars', 'EnvVarFile', 'Script', 'Command', 'Env']);

const string = (value: TemplateValue) => value as string;
const marker = (name: string, usage: string): TemplateFunction => ({ params: [], usage, run: () => bakeTimeMarker(name) });

function buildInfo(key: 'buildName' | 'buildType', usage: string): TemplateFunction {
  return {
    params: [],
    usage,
    run: (_args, call) => call.context[key] || call.fail(call.name, `${call.name} is only known inside a builder or a provisioner, not here`),
  };
}

/** consul_key, vault and aws_secretsmanager: Packer reads them only in variables' defaults; the converter never does. */
function secret(usage: string): TemplateFunction {
  return {
    params: [],
    rest: 'any',
    usage,
    run: (_args, call) => call.fail(call.name, `the converter does not read secrets; give the variable its value with --var or a var file${call.context.env ? '' : ' (and Packer allows ' + call.name + ' only in the "variables" section)'}`),
  };
}

const FUNCTIONS: Record<string, TemplateFunction> = {
  user: { params: ['string'], usage: '{{ user `name` }}', run: ([name], call) => call.context.user(string(name), call.context.place) },
  env: {
    params: ['string'],
    usage: '{{ env `NAME` }}',
    run: ([name], call) => {
      const env = call.context.env ?? call.fail('env', 'Packer allows env only in the defaults of the "variables" section; declare a variable whose default is {{ env `NAME` }} and use {{ user `that_variable` }} here');
      return env[string(name)] ?? '';
    },
  },
  timestamp: marker('timestamp', '{{ timestamp }}'),
  uuid: marker('uuid', '{{ uuid }}'),
  packer_version: marker('packer_version', '{{ packer_version }}'),
  isotime: { params: [], rest: 'string', usage: '{{ isotime }} or {{ isotime "2006-01-02" }}', run: isotime },
  strftime: { params: ['string'], usage: '{{ strftime "%Y-%m-%d" }}', run: ([format], call) => strftimeFormat(constantText(format, call)) },
  template_dir: { params: [], usage: '{{ template_dir }}', run: (_args, call) => call.context.templateDir },
  pwd: { params: [], usage: '{{ pwd }}', run: () => process.cwd() },
  build_name: buildInfo('buildName', '{{ build_name }}'),
  build_type: buildInfo('buildType', '{{ build_type }}'),
  build: { params: ['string'], usage: '{{ build `ID` }}', run: ([name], call) => buildVariable(string(name), call) },
  clean_resource_name: { params: ['string'], usage: '{{ isotime | clean_resource_name }}', run: ([text]) => cleanResourceName(string(text)) },
  lower: { params: ['string'], usage: '{{ lower "TEXT" }}', run: ([text]) => outsideMarkers(string(text), (part) => part.toLowerCase()) },
  upper: { params: ['string'], usage: '{{ upper "text" }}', run: ([text]) => outsideMarkers(string(text), (part) => part.toUpperCase()) },
  replace: {
    params: ['string', 'string', 'int', 'string'],
    usage: '{{ replace "old" "new" -1 "text" }}',
    run: ([old, replacement, count, text]) => replaceText(string(text), string(old), string(replacement), count as number),
  },
  replace_all: { params: ['string', 'string', 'string'], usage: '{{ replace_all "old" "new" "text" }}', run: ([old, replacement, text]) => replaceText(string(text), string(old), string(replacement), -1) },
  split: { params: ['string', 'string', 'int'], usage: '{{ split "a-b" "-" 0 }}', run: split },
  printf: { params: ['string'], rest: 'any', usage: '{{ printf "%s-%s" "a" "b" }}', run: ([format, ...args], call) => printf(string(format), args, call.fail) },
  print: { params: [], rest: 'any', usage: '{{ print "a" "b" }}', run: (args) => print(args) },
  sed: { params: [], rest: 'any', usage: '{{ replace_all "old" "new" "text" }}', run: (_args, call) => call.fail('sed', 'Packer deprecated sed and no longer runs it; use replace or replace_all') },
  consul_key: secret('{{ consul_key `path` }}'),
  vault: secret('{{ vault `path` `key` }}'),
  aws_secretsmanager: secret('{{ aws_secretsmanager `name` `key` }}'),
  aws_secretsmanager_raw: secret('{{ aws_secretsmanager_raw `name` }}'),
};

/** Calls a function with its arguments (a piped value last), checking their number and kinds as Go does. */
export function callFunction(args: TemplateValue[], call: Call): TemplateValue {
  const implementation = Object.hasOwn(FUNCTIONS, call.name) ? FUNCTIONS[call.name] : undefined;
  if (!implementation) call.fail(`unknown function "${call.name}"`, `Packer's JSON templates have ${Object.keys(FUNCTIONS).sort().join(', ')}`);
  const { params, rest, usage } = implementation;
  const count = rest ? `at least ${params.length}` : String(params.length);
  if (args.length < params.length || (!rest && args.length > params.length)) {
    call.fail(`${call.name} with ${args.length} argument(s)`, `it takes ${count} (a piped value counts as the last); write ${usage}`);
  }
  args.forEach((arg, index) => checkKind(arg, params[index] ?? rest ?? 'any', index, call, usage));
  return implementation.run(args, call);
}

function checkKind(arg: TemplateValue, kind: Kind, index: number, call: Call, usage: string): void {
  if (kind === 'string' && typeof arg !== 'string') call.fail(`argument ${index + 1} of ${call.name} is ${shown(arg)}`, `it should be a string; write ${usage}`);
  if (kind === 'int' && !(typeof arg === 'number' && Number.isSafeInteger(arg))) {
    call.fail(`argument ${index + 1} of ${call.name} is ${shown(arg)}`, `it should be a whole number; write ${usage}`);
  }
}

/** A template variable (`.SourceAMI`, `.SourceAMITags.Name`, `.Path`) as a bake-time marker. */
export function fieldValue(path: string[], call: Omit<Call, 'name'>): TemplateValue {
  const [name, ...rest] = path;
  const group = BUILD_VARIABLES.has(name) ? 'build' : PROVISIONER_VARIABLES.has(name) ? 'provisioner' : undefined;
  if (!group) {
    const known = [...BUILD_VARIABLES, ...PROVISIONER_VARIABLES].map((variable) => `.${variable}`).join(', ');
    call.fail(`unknown template variable ".${path.join('.')}"`, `Packer sets ${known}`);
  }
  if (rest.length > (name === 'SourceAMITags' ? 1 : 0)) call.fail(`template variable ".${path.join('.')}"`, `.${name} has no field ${rest.join('.')}`);
  return bakeTimeMarker(`${group}.${path.join('.')}`);
}

function buildVariable(name: string, call: Call): TemplateValue {
  if (!BUILD_VARIABLES.has(name)) call.fail(`unknown build variable "${name}"`, `{{ build }} takes one of ${[...BUILD_VARIABLES].join(', ')}`);
  return bakeTimeMarker(`build.${name}`);
}

function isotime(args: TemplateValue[], call: Call): TemplateValue {
  if (args.length > 1) call.fail('isotime', `takes at most one layout, got ${args.length}; write {{ isotime "2006-01-02" }}`);
  return args.length === 0 ? bakeTimeMarker('timestamp') : isotimeLayout(constantText(args[0], call));
}

function split([text, separator, index]: TemplateValue[], call: Call): TemplateValue {
  const pieces = splitText(string(text), string(separator));
  const at = index as number;
  if (at < 0 || at >= pieces.length) {
    call.fail('split', `piece ${at} is not there: ${shown(text)} split on ${shown(separator)} has ${pieces.length} piece(s), numbered from 0`);
  }
  return pieces[at];
}

/** A format or layout cannot be known only at bake time. */
function constantText(value: TemplateValue, call: Call): string {
  if (hasMarkers(string(value))) call.fail(`${call.name} layout ${shown(value)}`, 'the layout must be written in the template, not known only at bake time');
  return string(value);
}
