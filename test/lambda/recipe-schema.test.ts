import { recipe } from './fixtures';
import { nameTemplateProblems } from '../../lambda/shared/recipe-schema';
import { formatPath, MAX_DOCUMENT_BYTES, validateRecipe, validateRecipeText } from '../../lambda/shared/validate-recipe';

const AMI = 'ami-0123456789abcdef0';

/** The problems of a document; fails the test when it is valid. */
function problemsOf(document: unknown): string[] {
  const result = validateRecipe(document);
  expect(result.valid).toBe(false);
  return result.problems;
}

describe('validateRecipe', () => {
  test('accepts the documented example with its defaults left out', () => {
    const result = validateRecipe(recipe({
      instance: { types: ['t3.small', 't3a.small'], subnetIds: ['subnet-0123456789abcdef0'], rootVolume: { sizeGiB: 16, type: 'gp3' } },
      ami: { name: 'web-{{timestamp}}', description: 'nginx', tags: { team: 'platform' }, kmsKeyId: 'alias/images' },
    }));

    expect(result).toMatchObject({ valid: true, problems: [] });
  });

  test('an empty object names each required field', () => {
    expect(problemsOf({})).toEqual([
      'schemaVersion: expected 1 (the only schema version)',
      'name: missing (required)',
      'source: missing (required)',
      'steps: missing (required)',
    ]);
  });

  test('a source needs exactly one of amiId, ssmParameter or filter', () => {
    expect(problemsOf({ schemaVersion: 1, name: 'web', source: {}, steps: [{ reboot: {} }] })).toEqual([
      'source: missing: set exactly one of amiId, ssmParameter or filter',
    ]);
    expect(problemsOf({ schemaVersion: 1, name: 'web', source: { amiId: AMI, ssmParameter: '/a/b' }, steps: [{ reboot: {} }] })).toEqual([
      'source: set exactly one of amiId, ssmParameter or filter (got amiId and ssmParameter)',
    ]);
  });

  test('bad steps are reported with their index', () => {
    const document = {
      schemaVersion: 1,
      name: 'web',
      source: { amiId: AMI },
      steps: [{ shell: { commands: [] } }, { shell: { commands: ['x'] }, reboot: {} }, {}, { shel: {} }],
    };

    expect(problemsOf(document)).toEqual([
      'steps[0].shell.commands: expected a non-empty array of strings',
      'steps[1]: a step has exactly one kind; this one has "shell" and "reboot"',
      'steps[2]: expected one of "shell", "reboot", "document", "script", "file", "ansible", "powershell"',
      'steps[3].shel: unknown field; check its spelling against the recipe reference',
      'steps[3]: expected one of "shell", "reboot", "document", "script", "file", "ansible", "powershell"',
    ]);
  });

  test('instance, ami and timeout values are checked with the unit or example in the message', () => {
    const document = recipe({
      instance: { types: ['T3'], subnetIds: ['subnet-1'], rootVolume: { sizeGiB: 0.5 } },
      ami: { name: 'x{{time}}', tags: { 'aws:owner': 'me' } },
      timeouts: { agentOnlineSeconds: 5 },
    } as never);

    expect(problemsOf(document)).toEqual([
      'instance.types[0]: expected an instance type like t3.small',
      'instance.subnetIds[0]: expected an id like subnet-0123456789abcdef0',
      'instance.rootVolume.sizeGiB: expected a whole number of GiB',
      'ami.name: unknown placeholder {{time}}; use one of {{timestamp}}, {{date}}, {{buildId}}, {{recipe}}',
      'ami.tags.aws:owner: tag keys must not start with "aws:" (reserved by AWS)',
      'timeouts.agentOnlineSeconds: must be between 30 and 3600 seconds',
    ]);
  });

  test('tag values and the description may name the build\'s placeholders, and no others', () => {
    const places = '{{timestamp}}, {{date}}, {{buildId}}, {{recipe}}, {{sourceAmiId}}, {{sourceAmiName}}, {{region}}';
    expect(validateRecipe(recipe({ ami: { description: 'from {{sourceAmiName}}', tags: { Base: '{{sourceAmiName}} in {{region}}' } } })).problems)
      .toEqual([]);
    expect(problemsOf(recipe({ ami: { description: '{{ .SourceAMI }}', tags: { Base: '{{sourceAMIName}}' } } }))).toEqual([
      `ami.description: unknown placeholder {{ .SourceAMI }}; use one of ${places}`,
      `ami.tags.Base: unknown placeholder {{sourceAMIName}}; use one of ${places}`,
    ]);
  });

  test('recipe tags may not use the bakery prefix', () => {
    expect(problemsOf(recipe({ ami: { tags: { 'cdk-ami-bakery:build-id': 'x' } } }))).toEqual([
      'ami.tags.cdk-ami-bakery:build-id: tag keys must not start with "cdk-ami-bakery:" (set by the bakery)',
    ]);
  });

  test('environment variable names must be shell names', () => {
    expect(problemsOf(recipe({ steps: [{ shell: { commands: ['x'], environment: { 'A-B': 'x' } } }] }))).toEqual([
      'steps[0].shell.environment.A-B: environment variable names must match [A-Za-z_][A-Za-z0-9_]*',
    ]);
  });

  test('a document that is not an object, or not JSON, says so', () => {
    expect(problemsOf('text')).toEqual(['document: expected a recipe document (a JSON object)']);
    expect(validateRecipeText('{ "schemaVersion": ').problems[0]).toMatch(/^document: not valid JSON \(/);
  });

  test('a document over the size limit is refused before it is parsed', () => {
    const problems = problemsOf(recipe({ description: 'x'.repeat(MAX_DOCUMENT_BYTES) }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^document: \d+ bytes is over the 204800-byte limit/);
  });
});

describe('nameTemplateProblems', () => {
  test.each([
    ['web-{{timestamp}}', []],
    ['web-{{ recipe }}-{{date}}', []],
    ['web-{{stamp}}', ['unknown placeholder {{stamp}}; use one of {{timestamp}}, {{date}}, {{buildId}}, {{recipe}}']],
    ['web-{{timestamp', ['unbalanced "{{" or "}}"; placeholders look like {{timestamp}}']],
    ['web#1', ["AMI names may only contain letters, digits, spaces and ( ) [ ] . / - ' @ _"]],
  ])('%s', (template, expected) => {
    expect(nameTemplateProblems(template)).toEqual(expected);
  });
});

describe('formatPath', () => {
  test('renders indexes in brackets and keys with dots', () => {
    expect(formatPath(['steps', 1, 'shell', 'commands'])).toBe('steps[1].shell.commands');
    expect(formatPath([])).toBe('document');
  });
});
