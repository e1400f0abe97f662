/**
 * Packer's legacy JSON-template engine: Go text/template actions with Packer's functions, bake-time values as
 * markers, and every malformed string a ConvertError at the template's file and line.
 */
import { bakeTimeMarker, renderBakeTime } from '../../../cli/convert/hcl/bake-time';
import { ConvertError } from '../../../cli/convert/hcl/syntax';
import { EngineContext, renderTemplateString } from '../../../cli/convert/packer-json/template-engine';

const PLACE = { file: 'template.json', line: 7 };

/** User variables from a map: a name not in it fails, as an undeclared variable does. */
function userVariables(values: ReadonlyMap<string, string> | Readonly<Record<string, string>>): EngineContext['user'] {
  const known: ReadonlyMap<string, string> = values instanceof Map ? values : new Map(Object.entries(values));
  return (name, place) => {
    const value = known.get(name);
    if (value !== undefined) return value;
    throw new ConvertError(place, `user variable "${name}" is not declared; add it to the template's "variables" section (declared: ${[...known.keys()].join(', ')})`);
  };
}
const TIMESTAMP = bakeTimeMarker('timestamp');
const DATE = bakeTimeMarker('date');

function context(overrides: Partial<EngineContext> = {}): EngineContext {
  return {
    user: userVariables({ name: 'web', region: 'eu-west-1', mixed: 'Web Server:v1', empty: '' }),
    templateDir: '/templates/app',
    place: PLACE,
    ...overrides,
  };
}

const render = (text: string, overrides: Partial<EngineContext> = {}) => renderTemplateString(text, context(overrides));

/** The ConvertError rendering `text` throws. */
function failure(text: string, overrides: Partial<EngineContext> = {}): ConvertError {
  try {
    render(text, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConvertError);
    return error as ConvertError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('text and actions', () => {
  test.each([
    ['plain text', 'plain text'],
    ['', ''],
    ['a }} b', 'a }} b'],
    ['{ {user `name`} }', '{ {user `name`} }'],
    ['{{user `name`}}-{{ user "region" }}', 'web-eu-west-1'],
    ['{{   user   `name`   }}', 'web'],
    ['{{ true }} {{ 42 }} {{ -1 }} {{ 2.5 }}', 'true 42 -1 2.5'],
  ])('%j renders as %j', (text, expected) => {
    expect(render(text)).toBe(expected);
  });

  test('trim markers remove white space next to the action, including newlines', () => {
    expect(render('a  \n {{- user `name` -}} \t\n b')).toBe('awebb');
    expect(render('a {{- user `name` }} b')).toBe('aweb b');
    expect(render('a {{ user `name` -}} b')).toBe('a webb');
  });

  test('a dash not followed by a space is a number, not a trim marker', () => {
    expect(render('a {{-1}} b')).toBe('a -1 b');
  });

  test('comments render nothing, with or without trim markers', () => {
    expect(render('a{{/* note {{ }} */}}b')).toBe('ab');
    expect(render('a {{- /* note */ -}} b')).toBe('ab');
  });
});

describe('strings', () => {
  test('raw strings keep backslashes, quotes, braces and newlines; drop carriage returns', () => {
    expect(render('{{ `a\\nb "c" }}` }}')).toBe('a\\nb "c" }}');
    expect(render('{{ `x\r\ny` }}')).toBe('x\ny');
  });

  test('interpreted strings decode Go escapes', () => {
    expect(render('{{ "a\\tb\\n\\"q\\" \\\\ \\x41\\101\\u00e9\\U0001F600 \\a\\v" }}')).toBe('a\tb\n"q" \\ AAé😀 \x07\v');
    expect(render('{{ "}}" }}')).toBe('}}');
  });
});

describe('user variables and the environment', () => {
  test('user takes a raw or an interpreted string', () => {
    expect(render('{{user `region`}}/{{user "name"}}/{{user "empty"}}.')).toBe('eu-west-1/web/.');
  });

  test('a user variable that is not declared fails, naming it and the declared ones', () => {
    const error = failure('{{ user `missing` }}');
    expect(error.message).toMatch(/^template\.json:7: user variable "missing" is not declared/);
    expect(error.message).toContain('declared: name, region, mixed, empty');
  });

  test('userVariables accepts a Map', () => {
    expect(render('{{user `a`}}', { user: userVariables(new Map([['a', 'from map']])) })).toBe('from map');
  });

  test('env reads the given environment, empty when unset', () => {
    const env = { HOME: '/home/packer' };
    expect(render('{{ env `HOME` }}/x{{ env "UNSET" }}', { env })).toBe('/home/packer/x');
  });

  test('env without an environment (outside variables defaults) fails as in Packer', () => {
    const error = failure('{{ env `HOME` }}');
    expect(error.message).toMatch(/^template\.json:7: env in "\{\{ env `HOME` \}\}": Packer allows env only in the defaults of the "variables" section/);
  });
});

describe('bake-time values', () => {
  test('timestamp, uuid and packer_version are markers', () => {
    expect(render('ami-{{timestamp}}')).toBe(`ami-${TIMESTAMP}`);
    expect(renderBakeTime(render('ami-{{timestamp}}'), (name) => `{{${name}}}`)).toBe('ami-{{timestamp}}');
    expect(render('{{uuid}}')).toBe(bakeTimeMarker('uuid'));
    expect(render('{{ packer_version }}')).toBe(bakeTimeMarker('packer_version'));
  });

  test.each([
    ['{{isotime}}', TIMESTAMP],
    ['{{isotime "2006-01-02"}}', DATE],
    ['{{isotime `2006-01-02T15:04:05Z07:00`}}', TIMESTAMP],
    ['{{isotime `3:04PM`}}', TIMESTAMP],
    ['{{isotime `Jan-_2-15:04:05.000`}}', TIMESTAMP],
    ['{{isotime `Mon 1504`}}', TIMESTAMP],
    ['{{isotime `02-Jan-06`}}', DATE],
    ['{{isotime `20060102`}}', DATE],
    ['{{isotime `Monday`}}', DATE],
    ['{{isotime `Month`}}', 'Month'],
    ['{{isotime `MST -0700`}}', 'UTC +0000'],
    ['{{isotime `release`}}', 'release'],
    ['{{strftime "%Y-%m-%d"}}', DATE],
    ['{{strftime "%Y%m%d-%H%M"}}', TIMESTAMP],
    ['{{strftime "100%%"}}', '100%'],
  ])('%s is %j', (text, expected) => {
    expect(render(text)).toBe(expected);
  });

  test('isotime takes at most one layout', () => {
    expect(failure('{{ isotime "2006" "01" }}').message).toContain('takes at most one layout');
  });

  test.each([
    ['SourceAMI'], ['SourceAMIName'], ['BuildRegion'], ['SourceAMIOwner'], ['SourceAMIOwnerName'], ['SourceAMICreationDate'],
  ])('.%s is a build marker', (name) => {
    expect(render(`{{ .${name} }}`)).toBe(bakeTimeMarker(`build.${name}`));
  });

  test('source AMI tags, build variables and provisioner variables', () => {
    expect(render('{{ .SourceAMITags.Name }}')).toBe(bakeTimeMarker('build.SourceAMITags.Name'));
    expect(render('{{ build `ID` }}-{{ build "PackerRunUUID" }}')).toBe(`${bakeTimeMarker('build.ID')}-${bakeTimeMarker('build.PackerRunUUID')}`);
    expect(render('{{.Vars}} sudo -E bash {{.Path}}')).toBe(`${bakeTimeMarker('provisioner.Vars')} sudo -E bash ${bakeTimeMarker('provisioner.Path')}`);
    expect(render('{{ .Env }}')).toBe(bakeTimeMarker('provisioner.Env'));
  });
});

describe('context functions', () => {
  test('template_dir and pwd', () => {
    expect(render('{{template_dir}}/files')).toBe('/templates/app/files');
    expect(render('{{ pwd }}')).toBe(process.cwd());
  });

  test('build_name and build_type come from the context, and fail where Packer has none', () => {
    expect(render('{{build_name}}:{{build_type}}', { buildName: 'web', buildType: 'amazon-ebs' })).toBe('web:amazon-ebs');
    expect(failure('{{ build_name }}').message).toContain('build_name is only known inside a builder or a provisioner');
  });
});

describe('string functions', () => {
  test("clean_resource_name follows Amazon's rule (Packer's own test case)", () => {
    expect(render('{{ clean_resource_name "AMZamz09()./-_:&^ $%[]#\'@" }}')).toBe("AMZamz09()./-_--- --[]-'@");
    expect(render('{{ user `mixed` | clean_resource_name }}')).toBe('Web Server-v1');
    expect(render('{{ clean_resource_name "é" }}')).toBe('--');
  });

  test('clean_resource_name, lower and upper leave bake-time markers whole', () => {
    expect(render('mybuild-{{isotime | clean_resource_name}}')).toBe(`mybuild-${TIMESTAMP}`);
    expect(render('{{ clean_resource_name timestamp }}')).toBe(TIMESTAMP);
    expect(render('{{ printf "A:B %s" .SourceAMI | clean_resource_name | lower }}')).toBe(`a-b ${bakeTimeMarker('build.SourceAMI')}`);
    expect(render('{{ printf "x-%s" .SourceAMIName | upper }}')).toBe(`X-${bakeTimeMarker('build.SourceAMIName')}`);
  });

  test('clean_resource_name of a printf of user variables and the timestamp', () => {
    expect(render('{{ clean_resource_name (printf "%s:%s-%s" (user `name`) (user "region") timestamp) }}')).toBe(`web-eu-west-1-${TIMESTAMP}`);
  });

  test('lower and upper', () => {
    expect(render('{{ lower "MiXeD" }} {{ "abc" | upper }}')).toBe('mixed ABC');
  });

  test.each([
    ['{{ replace "a" "b" -1 "banana" }}', 'bbnbnb'],
    ['{{ replace "a" "b" 1 "banana" }}', 'bbnana'],
    ['{{ replace "a" "b" 0 "banana" }}', 'banana'],
    ['{{ replace "" "-" -1 "ab" }}', '-a-b-'],
    ['{{ replace_all "-" "/" "foo-bar-provider" }}', 'foo/bar/provider'],
    ['{{ replace_all "-" "/" build_name }}', 'foo/bar/provider'],
    ['{{ split "a-b" "-" 0 }}', 'a'],
    ['{{ split "fixed-string" "-" 1 }}', 'string'],
    ['{{split build_name "-" 0}}', 'foo'],
    ['{{ printf "%s-%d-%v-%t" "a" 3 2.5 true }}', 'a-3-2.5-true'],
    ['{{ printf "%05d|%-4s|%4s|%q|%x|%X|%.2f|100%%" 42 "ab" "cd" "q\\"" "hi" 255 3.14159 }}', '00042|ab  |  cd|"q\\""|6869|FF|3.14|100%'],
    ['{{ print "a" "b" 1 2 }}', 'ab1 2'],
  ])('%s is %j', (text, expected) => {
    expect(render(text, { buildName: 'foo-bar-provider' })).toBe(expected);
  });

  test('split leaves markers whole and fails on a missing piece', () => {
    expect(render('{{ split (printf "%s.x" .SourceAMI) "." 0 }}')).toBe(bakeTimeMarker('build.SourceAMI'));
    expect(failure('{{ split "a-b" "-" 2 }}').message).toContain('piece 2 is not there: "a-b" split on "-" has 2 piece(s)');
  });
});

describe('pipelines and parentheses', () => {
  test('the previous value is passed as the last argument', () => {
    expect(render('{{ user `name` | upper | printf "%s!" }}')).toBe('WEB!');
    expect(render('{{ "a-b-c" | replace "-" "+" 1 }}')).toBe('a+b-c');
  });

  test('nested parentheses', () => {
    expect(render('{{ upper (replace_all "-" "_" (printf "%s-%s" (user "name") (lower "X"))) }}')).toBe('WEB_X');
    expect(render('{{ (user `name`) }}{{((("deep")))}}')).toBe('webdeep');
    expect(render('{{ (user `name` | upper) | lower }}')).toBe('web');
  });
});

describe('errors', () => {
  test.each([
    ['unbalanced', 'ami-{{ user `name`', /unclosed action in "ami-\{\{ user `name`": close it with \}\}/],
    ['unknown function', '{{ foo `x` }}', /unknown function "foo" in .*Packer's JSON templates have .*clean_resource_name/],
    ['unknown user variable', '{{user `nope`}}', /user variable "nope" is not declared/],
    ['unterminated quoted string', '{{ user "name }}', /unterminated quoted string/],
    ['unterminated raw string', '{{ user `name }}', /unterminated raw string/],
    ['quoted string across lines', '{{ user "na\nme" }}', /unterminated quoted string/],
    ['sed', '{{ sed "s/a/b/" "abc" }}', /sed in .*: Packer deprecated sed and no longer runs it; use replace or replace_all/],
    ['missing space', '{{user`name`}}', /missing space between arguments/],
    ['unclosed parenthesis', '{{ upper (user `name` }}', /unclosed parenthesis/],
    ['stray parenthesis', '{{ user `name`) }}', /unexpected "\)"/],
    ['empty action', 'a{{}}b', /empty action/],
    ['empty pipe', '{{ user `name` | }}', /missing value at the end/],
    ['leading pipe', '{{ | upper }}', /missing value before "\|"/],
    ['empty parentheses', '{{ upper () }}', /missing value before "\)"/],
    ['wrong argument count', '{{ replace "a" "b" "text" }}', /replace with 3 argument\(s\) in .*: it takes 4 .* write \{\{ replace "old" "new" -1 "text" \}\}/],
    ['wrong argument kind', '{{ replace "a" "b" "x" "text" }}', /argument 3 of replace is "x" in .*: it should be a whole number/],
    ['string expected', '{{ upper 3 }}', /argument 1 of upper is 3/],
    ['arguments to a value', '{{ "a" "b" }}', /"a" is not a function/],
    ['pipe into a value', '{{ "a" | "b" }}', /"b" is not a function/],
    ['control action', '{{ if true }}x{{ end }}', /"if" action/],
    ['$ variable', '{{ $x := 1 }}', /template variable "\$\.\.\."/],
    ['character constant', "{{ 'a' }}", /character constant/],
    ['bad escape', '{{ "a\\qb" }}', /invalid escape "\\q"/],
    ['bad hex escape', '{{ "\\xZZ" }}', /invalid escape "\\x"/],
    ['dot', '{{ . }}', /"\." \(all of the template data\)/],
    ['unknown template variable', '{{ .Nope }}', /unknown template variable "\.Nope" in .*: Packer sets .*\.SourceAMI/],
    ['field of a field', '{{ .SourceAMI.Id }}', /\.SourceAMI has no field Id/],
    ['unknown build variable', '{{ build `Nope` }}', /unknown build variable "Nope"/],
    ['unclosed comment', '{{/* note }}', /unclosed comment/],
    ['comment with more', '{{/* note */ user `x` }}', /comment ends before the closing delimiter/],
    ['bad number', '{{ 12abc }}', /bad number "12a"/],
    ['printf missing argument', '{{ printf "%s-%s" "a" }}', /more verbs than the 1 argument/],
    ['printf extra argument', '{{ printf "%s" "a" "b" }}', /1 argument\(s\) more than the format's verbs/],
    ['printf wrong kind', '{{ printf "%d" "a" }}', /printf %d in .*: cannot format "a"/],
    ['printf unknown verb', '{{ printf "%z" "a" }}', /printf verb %z/],
    ['vault', '{{ vault `secret/x` `key` }}', /vault in .*: the converter does not read secrets/],
    ['nil', '{{ nil }}', /nil in/],
    ['deep nesting', `{{ ${'('.repeat(100)}"x"${')'.repeat(100)} }}`, /parentheses nested too deeply/],
  ])('%s', (_name, text, message) => {
    const error = failure(text);
    expect(error.message.startsWith('template.json:7: ')).toBe(true);
    expect(error.place).toEqual(PLACE);
    expect(error.message).toMatch(message);
  });

  test('the message quotes the whole string and says what to write', () => {
    expect(failure('name-{{ lowercase `X` }}').message).toMatch(/^template\.json:7: unknown function "lowercase" in "name-\{\{ lowercase `X` \}\}": Packer's JSON templates have /);
  });
});

describe('fuzzing', () => {
  const PIECES = [
    '{{', '}}', '{{- ', ' -}}', '`', '"', '|', '(', ')', ' ', 'user', 'name', 'timestamp', 'isotime', 'clean_resource_name', 'printf', '"%s"',
    'lower', 'replace', 'split', 'sed', 'env', 'build', '.SourceAMI', '.', '-', '1', '-1', '\\', '\\x', 'x', '/*', '*/', '$', "'", '\n', 'true', 'nil',
  ];

  /** Park-Miller: the same strings on every run. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
  }

  test('300 random strings render or fail with a ConvertError, never another error', () => {
    const next = random(20240611);
    const outcomes = { rendered: 0, failed: 0 };
    for (let run = 0; run < 300; run++) {
      const length = 1 + Math.floor(next() * 12);
      const text = Array.from({ length }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
      try {
        expect(typeof render(text, { env: { name: 'x' } })).toBe('string');
        outcomes.rendered += 1;
      } catch (error) {
        if (!(error instanceof ConvertError)) throw new Error(`${JSON.stringify(text)} threw ${String(error)}`);
        expect(error.message.startsWith('template.json:7: ')).toBe(true);
        outcomes.failed += 1;
      }
    }
    expect(outcomes.rendered).toBeGreaterThan(0);
    expect(outcomes.failed).toBeGreaterThan(0);
  });
});
