import { recipe } from './fixtures';
import { nameTemplateProblems } from '../../lambda/shared/recipe-schema';
import { TAG_KEYS } from '../../lambda/shared/tags';
import { formatPath, MAX_DOCUMENT_BYTES, validateRecipe, validateRecipeText } from '../../lambda/shared/validate-recipe';
import { copyRegionProblems } from '../../src/recipe/distribution-rules';
import { BAKERY_IMAGE_TAGS, BAKERY_INSTANCE_TAGS, MAX_RECIPE_TAGS, MAX_TAGS_PER_RESOURCE } from '../../src/recipe/launch-rules';

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

/** `count` tags named `prefix01`, `prefix02`, ... */
const tags = (prefix: string, count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${String(i + 1).padStart(2, '0')}`, 'x']));
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const keyArn = (region: string, resource = `key/${KEY_ID}`) => `arn:aws:kms:${region}:111122223333:${resource}`;
/** A parameter name of `levels` levels: `/l1/l2/...`. */
const parameterOfDepth = (levels: number) => `/${Array.from({ length: levels }, (_, i) => `l${i + 1}`).join('/')}`;
const ARM64_FIX = 'use an arm64 type such as t4g.small, or an x86_64 source image';
const ARM64_FILTER = { filter: { owners: ['099720109477'], name: 'ubuntu/images/*24.04*', architecture: 'arm64' as const } };

describe('what AWS would refuse at launch is refused by the schema', () => {
  test('the room left for recipe tags counts every tag the bakery puts on an instance and on an image', () => {
    const onInstances = ['Name', TAG_KEYS.bakery, TAG_KEYS.buildId, TAG_KEYS.recipe, TAG_KEYS.copyRegions, TAG_KEYS.ssmParameter, TAG_KEYS.adHoc,
      TAG_KEYS.keepUntil];
    const onImages = [TAG_KEYS.bakery, TAG_KEYS.buildId, TAG_KEYS.recipe, TAG_KEYS.copyRegions, TAG_KEYS.ssmParameter, TAG_KEYS.adHoc,
      TAG_KEYS.sourceAmi, TAG_KEYS.recipeHash, TAG_KEYS.tested, TAG_KEYS.artifact];

    // A new tag key must be counted on the resources it goes on.
    expect(new Set([...onInstances, ...onImages])).toEqual(new Set(['Name', ...Object.values(TAG_KEYS)]));
    expect([onInstances.length, onImages.length]).toEqual([BAKERY_INSTANCE_TAGS, BAKERY_IMAGE_TAGS]);
    expect(MAX_RECIPE_TAGS + BAKERY_IMAGE_TAGS).toBe(MAX_TAGS_PER_RESOURCE);
  });

  test('ami.tags and instance.tags together may not put more than 50 tags on the build instance', () => {
    expect(problemsOf(recipe({ ami: { tags: tags('team', 22) }, instance: { tags: tags('host', 21) } }))).toEqual([
      'instance.tags: ami.tags and instance.tags together put 43 tags on the build instance, and the bakery adds up to 8 ' +
        "(Name and cdk-ami-bakery:*): over EC2's limit of 50 per resource; keep the two to at most 42 keys in all (a key in both counts once)",
    ]);
  });

  test.each([
    ['42 distinct keys', { ami: { tags: tags('team', 21) }, instance: { tags: tags('host', 21) } }],
    ['a key in both maps, counted once', { ami: { tags: tags('team', 40) }, instance: { tags: { ...tags('team', 38), host1: 'x', host2: 'x' } } }],
    ['a recipe Name, which replaces the bakery\'s', { ami: { tags: { ...tags('team', 39), Name: 'web' } }, instance: { tags: tags('host', 3) } }],
  ])('accepts %s', (_name, fields) => {
    expect(validateRecipe(recipe(fields)).problems).toEqual([]);
  });

  test('a map over its own limit is refused once, on its own field', () => {
    expect(problemsOf(recipe({ ami: { tags: tags('team', 41) }, instance: { tags: tags('host', 10) } }))).toEqual([
      'ami.tags: at most 40 tags (AWS allows 50 per resource and the bakery adds its own); remove 1',
    ]);
  });

  test.each([
    ['iops on gp2', { type: 'gp2', iops: 3000 },
      'instance.rootVolume.iops: EC2 sets no IOPS on gp2 volumes (only on gp3, io1 and io2); remove iops, or set type to gp3'],
    ['iops on st1', { type: 'st1', iops: 500 }, 'instance.rootVolume.iops: EC2 sets no IOPS on st1 volumes'],
    ['iops on standard', { type: 'standard', iops: 500 }, 'instance.rootVolume.iops: EC2 sets no IOPS on standard volumes'],
    ['throughput on gp2', { type: 'gp2', throughputMiBps: 250 },
      'instance.rootVolume.throughputMiBps: EC2 sets throughput on gp3 volumes only, and this one is gp2; ' +
        'remove throughputMiBps, or set type to gp3'],
    ['throughput on io2', { type: 'io2', iops: 6000, throughputMiBps: 250 },
      'instance.rootVolume.throughputMiBps: EC2 sets throughput on gp3 volumes only'],
    ['io1 without iops', { type: 'io1' },
      'instance.rootVolume.iops: required for io1 volumes: EC2 provisions exactly the IOPS given; add iops (e.g. 3000)'],
  ])('refuses %s on the root volume', (_name, rootVolume, message) => {
    const problems = problemsOf(recipe({ instance: { rootVolume: rootVolume as never } }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  test.each([
    ['iops and throughput on gp3', { type: 'gp3', iops: 6000, throughputMiBps: 500 }],
    ['iops and throughput without a type (gp3)', { iops: 6000, throughputMiBps: 500 }],
    ['iops on io2', { type: 'io2', iops: 16000 }],
    ['gp2 with a size only', { type: 'gp2', sizeGiB: 30 }],
  ])('accepts %s on the root volume', (_name, rootVolume) => {
    expect(validateRecipe(recipe({ instance: { rootVolume: rootVolume as never } })).problems).toEqual([]);
  });

  test('SSM parameter names may have at most 15 levels, read or written', () => {
    const tooDeep = 'the name has 16 levels ("/"-separated parts) and SSM allows at most 15; use a shorter path';

    expect(validateRecipe(recipe({ source: { ssmParameter: parameterOfDepth(15) }, distribution: { ssmParameter: parameterOfDepth(15) } })).problems)
      .toEqual([]);
    expect(problemsOf(recipe({ source: { ssmParameter: parameterOfDepth(16) }, distribution: { ssmParameter: parameterOfDepth(16) } }))).toEqual([
      `source.ssmParameter: ${tooDeep}`,
      `distribution.ssmParameter: ${tooDeep}`,
    ]);
  });

  test('a copy region\'s KMS key given as an ARN must be in that region', () => {
    const document = recipe({
      distribution: {
        regions: ['eu-west-1', 'eu-central-1'],
        kmsKeyIds: { 'eu-west-1': keyArn('us-east-1'), 'eu-central-1': keyArn('us-east-1', 'alias/images') },
      },
    });

    expect(problemsOf(document)).toEqual([
      'distribution.kmsKeyIds.eu-west-1: the key ARN is in us-east-1, and the copy in eu-west-1 can only use a key of eu-west-1; ' +
        'name a key (or a multi-Region replica) in eu-west-1',
      'distribution.kmsKeyIds.eu-central-1: the key ARN is in us-east-1, and the copy in eu-central-1 can only use a key of eu-central-1; ' +
        'name a key (or a multi-Region replica) in eu-central-1',
    ]);
  });

  test('KMS keys in their region, key ids and aliases are accepted (the region of an id or alias is the copy\'s)', () => {
    const document = recipe({
      ami: { kmsKeyId: keyArn('us-east-1') },
      distribution: {
        regions: ['eu-west-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1'],
        kmsKeyIds: {
          'eu-west-1': keyArn('eu-west-1'),
          'eu-central-1': KEY_ID,
          'ap-southeast-2': 'alias/images',
          'us-gov-west-1': `arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${KEY_ID}`,
        },
      },
    });

    expect(validateRecipe(document).problems).toEqual([]);
  });

  test('instance types must suit the architecture source.filter asks for, on the build and the test instance', () => {
    const document = recipe({
      source: ARM64_FILTER, instance: { types: ['t4g.small', 't3.small'] }, tests: [{ reboot: {} }], testInstance: { types: ['c7i.large'] },
    });

    expect(problemsOf(document)).toEqual([
      `instance.types[1]: instance type t3.small is x86_64 but the source image is arm64; ${ARM64_FIX}`,
      `testInstance.types[0]: instance type c7i.large is x86_64 but the source image is arm64; ${ARM64_FIX}`,
    ]);
  });

  test.each([
    ['arm64 types for an arm64 filter', { source: ARM64_FILTER, instance: { types: ['t4g.small', 'm7g.large'] } }],
    ['any types for a filter without architecture',
      { source: { filter: { owners: ['self'], name: 'golden-*' } }, instance: { types: ['t4g.small', 't3.small'] } }],
    ['any types for an AMI id', { instance: { types: ['t4g.small', 't3.small'] } }],
  ])('leaves %s to the bake', (_name, fields) => {
    expect(validateRecipe(recipe(fields as never)).problems).toEqual([]);
  });

  test('at most 16 copy regions, each once', () => {
    const regions = ['us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1',
      'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1'];

    expect(validateRecipe(recipe({ distribution: { regions } })).problems).toEqual([]);
    expect(problemsOf(recipe({ distribution: { regions: [...regions, 'af-south-1'] } })))
      .toEqual(['distribution.regions: at most 16 regions (got 17)']);
    expect(problemsOf(recipe({ distribution: { regions: ['eu-west-1', 'Frankfurt', 'eu-west-1'] } }))).toEqual([
      'distribution.regions[1]: expected a region name such as "eu-west-1"',
      'distribution.regions: lists an entry twice (eu-west-1); name each region once',
    ]);
  });

  test('given the bakery\'s region, a copy to it is refused (the image is made there)', () => {
    expect(copyRegionProblems(['eu-central-1', 'eu-west-1'], 'eu-west-1')).toEqual([
      { path: [1], message: 'eu-west-1 is the bakery\'s own region, where the image is made; leave it out' },
    ]);
    expect(copyRegionProblems(['eu-central-1', 'eu-west-1'])).toEqual([]);
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
