import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { EbsDeviceVolumeType, InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { Alias, Key } from 'aws-cdk-lib/aws-kms';
import { bakeryStack, catalogOf } from './stack';
import { BakeryStack } from '../../examples/app/bakery-stack';
import { validateRecipe, validateRecipeText } from '../../lambda/shared/validate-recipe';
import { ProvisionStep, RecipeOptions, SourceImage } from '../../src';
import { withDeployedValues } from '../../src/recipe/recipe-catalog-format';
import { localSourceProblems } from '../../src/staging/local-sources';

/** Where the keys of other regions are imported. */
const keys = new Stack(new App(), 'Keys');

/** Every document the CDK classes can render, one option at a time. */
const variants: Record<string, RecipeOptions> = {
  'AMI id': { source: SourceImage.fromAmiId('ami-0123456789abcdef0'), steps: [ProvisionStep.reboot()] },
  'SSM parameter': { source: SourceImage.fromSsmParameter('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64'), steps: [ProvisionStep.reboot('now')] },
  'filter': { source: SourceImage.fromFilter({ owners: ['099720109477'], name: 'ubuntu/images/*24.04*', architecture: InstanceArchitecture.ARM_64 }), steps: [ProvisionStep.shell({ commands: ['true'] })] },
  'ubuntu': { source: SourceImage.ubuntu(), steps: [ProvisionStep.shell({ commands: ['true'] })] },
  'amazon linux': { source: SourceImage.amazonLinux2023(InstanceArchitecture.ARM_64), steps: [ProvisionStep.shell({ commands: ['true'] })] },
  'spot and user data': {
    source: SourceImage.ubuntu(),
    steps: [ProvisionStep.document({ name: 'AWS-UpdateSSMAgent' }), ProvisionStep.shell({ commands: ['test -f /etc/x'], validExitCodes: [0, 1] })],
    spot: true,
    spotFallback: false,
    userData: '#!/bin/bash\ntouch /etc/x',
  },
  'windows': {
    source: SourceImage.windows('2025', { core: true }),
    steps: [
      ProvisionStep.powershell({ name: 'iis', commands: ['Install-WindowsFeature Web-Server'], environment: { A: 'b' }, workingDirectory: 'C:\\site', validExitCodes: [0, 3010] }),
      ProvisionStep.reboot(),
    ],
    tests: [ProvisionStep.powershell({ commands: ['Get-Service W3SVC'], timeout: Duration.minutes(5) })],
    windowsSysprep: false,
  },
  'every option': {
    source: SourceImage.ubuntu('22.04'),
    steps: [
      ProvisionStep.shell({ name: 'all', commands: ['a', 'b'], timeout: Duration.minutes(5), workingDirectory: '/tmp', environment: { A: 'b' } }),
      ProvisionStep.reboot(),
    ],
    instanceTypes: [new InstanceType('t3.small'), new InstanceType('t3a.small')],
    rootVolumeSize: 20,
    rootVolumeType: EbsDeviceVolumeType.GP3,
    amiName: '{{recipe}}-{{date}}-{{timestamp}}-{{buildId}}',
    description: 'everything',
    tags: { team: 'platform' },
    kmsKey: Alias.fromAliasName(keys, 'ImageKey', 'alias/images'),
    forceDeregister: true,
    agentTimeout: Duration.minutes(5),
    stopTimeout: Duration.minutes(20),
    keepOnFailure: Duration.hours(8),
    deprecateAfter: Duration.days(90),
    deregistrationProtection: true,
    retention: { keepLatest: 3, maxAge: Duration.days(30), keepIfInUse: false },
    imageTimeout: Duration.hours(2),
    distribution: {
      regions: ['eu-central-1', 'ap-southeast-2'],
      kmsKeys: [
        Key.fromKeyArn(keys, 'Frankfurt', 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
        Key.fromKeyArn(keys, 'Sydney', 'arn:aws:kms:ap-southeast-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ac'),
      ],
      sharing: { accounts: ['222233334444'], organizationalUnitArns: ['arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-cdef3456'] },
      ssmParameterName: '/images/everything/latest',
      ssmParameterRoles: ['arn:aws:iam::222233334444:role/ami-parameter-writer'],
      copyTimeout: Duration.hours(3),
    },
  },
  'public': {
    source: SourceImage.ubuntu(),
    steps: [ProvisionStep.shell({ commands: ['true'] })],
    encrypted: false,
    distribution: { sharing: { makePublic: true, allowPublic: true } },
  },
};

describe('recipe documents rendered by the CDK classes', () => {
  test.each(Object.entries(variants))('%s renders a valid document', (name, options) => {
    const { bakery } = bakeryStack({}, () => undefined);
    const recipe = bakery.addRecipe('Recipe', { recipeName: name.replace(/ /g, '-'), ...options });
    expect(validateRecipe(recipe.document).problems).toEqual([]);
  });

  test('distribution options render under the document\'s names', () => {
    const { bakery } = bakeryStack({}, () => undefined);
    const recipe = bakery.addRecipe('Recipe', variants['every option']);
    expect(recipe.document.distribution).toMatchObject({
      regions: ['eu-central-1', 'ap-southeast-2'],
      sharing: { accounts: ['222233334444'] },
      ssmParameter: '/images/everything/latest',
    });
    expect(recipe.document.timeouts.copyAvailableSeconds).toBe(10800);
    const publicRecipe = bakery.addRecipe('Public', { ...variants.public, recipeName: 'public' }).document;
    const { sharing } = publicRecipe.distribution;
    expect([publicRecipe.ami.encrypted, sharing.public, sharing.allowPublic]).toEqual([false, true, true]);
  });

  test('a copy to the stack\'s own region is refused at synth, as Prepare would refuse it at every bake', () => {
    expect(() => bakeryStack({}, (bakery) => bakery.addRecipe('Recipe', { ...variants.public, distribution: { regions: ['eu-west-1'] } })))
      .toThrow(/distribution\.regions\[0\]: eu-west-1 is the bakery's own region, where the image is made; leave it out/);
  });

  test.each([
    ['makePublic without allowPublic', { sharing: { makePublic: true } }, {}, /distribution\.sharing\.makePublic: makes the AMI launchable by every AWS account/],
    ['a public encrypted image', { sharing: { makePublic: true, allowPublic: true } }, {}, /EC2 cannot make an encrypted AMI public; set ami\.encrypted: false/],
    ['sharing without a customer key', { regions: ['eu-central-1'], sharing: { accounts: ['222233334444'] } }, {},
      /kmsKey: required when distribution\.sharing names accounts.*distribution\.kmsKeys\.eu-central-1: required/],
    ['a parameter role of an account the image is not shared with', { ssmParameterName: '/images/web', ssmParameterRoles: ['arn:aws:iam::222233334444:role/w'] },
      {}, /distribution\.ssmParameterRoles\[0\]: account 222233334444 could not launch the AMI/],
    ['a key with an unencrypted image', {}, { encrypted: false, kmsKey: Key.fromKeyArn(keys, 'Images', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ad') }, /kmsKey: a KMS key only applies to an encrypted image/],
  ])('%s is refused at synth time, naming the field', (_name, distribution, more, message) => {
    const { bakery } = bakeryStack({}, () => undefined);
    expect(() => bakery.addRecipe('Recipe', { ...variants.ubuntu, ...more, distribution })).toThrow(message);
  });

  test('the example app synthesizes and every recipe it registers is valid', () => {
    const stack = new BakeryStack(new App(), 'Example');
    const { recipes } = catalogOf(stack);
    expect(Object.keys(recipes).sort()).toEqual(['al2023-base', 'nginx', 'web-files']);
    // A recipe that ships files names them in the staging bucket, whose name Prepare's environment fills in.
    for (const document of Object.values(recipes)) {
      expect(validateRecipe(withDeployedValues(JSON.stringify(document), ['bakery-staging'])).problems).toEqual([]);
    }
  });

  // A recipe is a .json file, or a folder whose recipe.json names files beside it.
  const examples = readdirSync(join(__dirname, '../../examples/recipes'), { withFileTypes: true })
    .map((entry) => (entry.isDirectory() ? `${entry.name}/recipe.json` : entry.name));
  test.each(examples)('examples/recipes/%s is valid, and the files it names are there', (file) => {
    const path = join(__dirname, '../../examples/recipes', file);
    const checked = validateRecipeText(readFileSync(path, 'utf8'));
    expect(checked.problems).toEqual([]);
    expect(localSourceProblems(JSON.parse(readFileSync(path, 'utf8')), dirname(path))).toEqual([]);
  });
});

describe('Windows recipes', () => {
  test('SourceImage.windows() names AWS\'s public parameter, and powershell steps render under the document\'s names', () => {
    const { bakery } = bakeryStack({}, () => undefined);
    const { document } = bakery.addRecipe('Recipe', variants.windows);

    expect(document.source).toEqual({ ssmParameter: '/aws/service/ami-windows-latest/Windows_Server-2025-English-Core-Base' });
    expect(document.steps[0]).toEqual({
      powershell: { name: 'iis', commands: ['Install-WindowsFeature Web-Server'], environment: { A: 'b' }, workingDirectory: 'C:\\site', validExitCodes: [0, 3010] },
    });
    expect(document.tests[0]).toEqual({ powershell: { commands: ['Get-Service W3SVC'], timeoutSeconds: 300 } });
    expect(document.windows).toEqual({ sysprep: false });
    expect(SourceImage.windows()._render()).toEqual({ ssmParameter: '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base' });
  });

  test.each([
    ['a shell step on Windows', { source: SourceImage.windows(), steps: [ProvisionStep.shell({ commands: ['echo'] })] },
      'Recipe "Recipe": steps[0].shell: the source image is Windows, and shell steps run on Linux; use a "powershell" step.'],
    ['a powershell step on Ubuntu', { source: SourceImage.ubuntu(), steps: [ProvisionStep.powershell({ commands: ['Get-Date'] })] },
      'steps[0].powershell: the source image is Linux, and powershell steps run on Windows; use a "shell" step'],
    ['windowsSysprep on Amazon Linux', { source: SourceImage.amazonLinux2023(), steps: [ProvisionStep.reboot()], windowsSysprep: true },
      'windows: applies to Windows source images, and this one is Linux'],
    ['an arm64 instance for Windows', { source: SourceImage.windows(), steps: [ProvisionStep.reboot()], instanceTypes: [new InstanceType('t4g.medium')] },
      'instance type t4g.medium is arm64'],
  ])('%s is refused at synth time', (_name, options, message) => {
    const { bakery } = bakeryStack({}, () => undefined);
    expect(() => bakery.addRecipe('Recipe', options as RecipeOptions)).toThrow(message);
  });

  test('SourceImage.windows() refuses a version AWS does not publish', () => {
    expect(() => SourceImage.windows('2012')).toThrow('SourceImage.windows: version "2012" is not one the bakery knows; use one of 2016, 2019, 2022, 2025');
  });
});

describe('recipe props are checked at synth time', () => {
  const base = { source: SourceImage.fromAmiId('ami-0123456789abcdef0'), steps: [ProvisionStep.reboot()] };
  test.each([
    ['a name with a space', { ...base, recipeName: 'has space' }, 'recipeName must be 1-63 letters'],
    ['no steps', { ...base, steps: [] }, 'steps must hold at least one ProvisionStep'],
    ['no instance types', { ...base, instanceTypes: [] }, 'instanceTypes must not be empty; leave it out to use t3.small (t4g.small for an arm64 source)'],
    ['retention without a rule', { ...base, retention: { keepIfInUse: true } }, 'retention needs keepLatest and/or maxAge'],
    ['keeping no image', { ...base, retention: { keepLatest: 0 } }, 'retention.keepLatest must be a whole number from 1 (got 0)'],
    ['keeping an instance for 8 days', { ...base, keepOnFailure: Duration.days(8) }, 'keepOnFailure must be between 1 hour and 7 days (got 8 days)'],
    ['a zero-size volume', { ...base, rootVolumeSize: 0 }, 'rootVolumeSize must be a whole number of GiB between 1 and 16384 (got 0)'],
  ])('refuses %s', (_name, options, message) => {
    expect(() => bakeryStack({}, (bakery) => bakery.addRecipe('Recipe', options as RecipeOptions))).toThrow(message as string);
  });
});
