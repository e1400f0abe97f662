import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { EbsDeviceVolumeType, InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { bakeryStack } from './stack';
import { AmiBakery, ProvisionStep, Recipe, RecipeOptions, SourceImage } from '../../src';

const steps = [ProvisionStep.shell({ commands: ['true'] })];

/** Registers a recipe named "web" with a bakery in a fresh stack. */
function addRecipe(options: Omit<RecipeOptions, 'steps'>): Recipe {
  const stack = new Stack(new App(), 'Test');
  return new AmiBakery(stack, 'Bakery').addRecipe('web', { steps, ...options });
}

describe('instance types must suit the source image\'s architecture, when both are known at synth time', () => {
  test('an x86_64 type with an arm64 source is refused with a message that names both ways out', () => {
    // GIVEN
    const source = SourceImage.fromFilter({ owners: ['099720109477'], name: 'ubuntu/images/*24.04*', architecture: InstanceArchitecture.ARM_64 });

    // WHEN
    const register = () => addRecipe({ source, instanceTypes: [new InstanceType('t3.small')] });

    // THEN
    expect(register).toThrow(
      'Recipe "web": instance type t3.small is x86_64 but the source image is arm64; use an arm64 type such as t4g.small, or an x86_64 source image.',
    );
  });

  test('an arm64 type with an x86_64 source is refused', () => {
    expect(() => addRecipe({ source: SourceImage.amazonLinux2023(), instanceTypes: [new InstanceType('t3.small'), new InstanceType('m7g.large')] })).toThrow(
      'Recipe "web": instance type m7g.large is arm64 but the source image is x86_64; use an x86_64 type such as t3.small, or an arm64 source image.',
    );
  });

  test.each([
    ['ubuntu amd64 (Ubuntu\'s name for x86_64)', SourceImage.ubuntu('24.04', InstanceArchitecture.X86_64), 'c6gn.xlarge', 'arm64', 'x86_64'],
    ['ubuntu arm64', SourceImage.ubuntu('22.04', InstanceArchitecture.ARM_64), 'c7i.large', 'x86_64', 'arm64'],
    ['amazon linux arm64', SourceImage.amazonLinux2023(InstanceArchitecture.ARM_64), 'm5.large', 'x86_64', 'arm64'],
    ['a filter for x86_64', SourceImage.fromFilter({ owners: ['amazon'], name: 'al2023-ami-*', architecture: InstanceArchitecture.X86_64 }), 'hpc7g.4xlarge', 'arm64', 'x86_64'],
  ])('%s refuses %s', (_name, source, instanceType, typeArchitecture, imageArchitecture) => {
    expect(() => addRecipe({ source, instanceTypes: [new InstanceType(instanceType)] }))
      .toThrow(`instance type ${instanceType} is ${typeArchitecture} but the source image is ${imageArchitecture}`);
  });

  test.each([
    ['arm64 Graviton types with an arm64 source', SourceImage.ubuntu('24.04', InstanceArchitecture.ARM_64),
      ['a1.large', 't4g.small', 'm6gd.large', 'm8g.large', 'c7gn.large', 'r8g.large', 'x2gd.large', 'im4gn.large', 'is4gen.large', 'i4g.large', 'g5g.xlarge', 'hpc7g.4xlarge']],
    ['x86_64 types with an x86_64 source', SourceImage.amazonLinux2023(InstanceArchitecture.X86_64), ['t3.small', 't3a.small', 'm7i.large', 'c6in.large', 'g5.xlarge']],
  ])('accepts %s', (_name, source, instanceTypes) => {
    const recipe = addRecipe({ source, instanceTypes: instanceTypes.map((name) => new InstanceType(name)) });

    expect(recipe.document.instance.types).toEqual(instanceTypes);
  });

  test.each([
    ['an AMI id', SourceImage.fromAmiId('ami-0123456789abcdef0')],
    ['an SSM parameter', SourceImage.fromSsmParameter('/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id')],
    ['a filter without architecture', SourceImage.fromFilter({ owners: ['self'], name: 'golden-*' })],
    ['a filter with an architecture that is a token', SourceImage.fromFilter({ owners: ['self'], name: 'golden-*', architecture: Lazy.string({ produce: () => 'arm64' }) as InstanceArchitecture })],
  ])('leaves the check to the bake when the source is %s', (_name, source) => {
    expect(() => addRecipe({ source, instanceTypes: [new InstanceType('t4g.small'), new InstanceType('t3.small')] })).not.toThrow();
  });

  test.each([
    ['a token', Lazy.string({ produce: () => 't3.small' })],
    ['a Mac type', 'mac2.metal'],
  ])('skips an instance type that is %s', (_name, instanceType) => {
    expect(() => addRecipe({ source: SourceImage.ubuntu('24.04', InstanceArchitecture.ARM_64), instanceTypes: [new InstanceType(instanceType)] })).not.toThrow();
  });

  test('an instance type EC2 does not have is refused with the nearest real one, in instanceTypes and testInstanceTypes', () => {
    expect(() => addRecipe({ source: SourceImage.amazonLinux2023(), instanceTypes: [new InstanceType('t3.small'), new InstanceType('t3.mediun')] }))
      .toThrow('instanceTypes[1]: "t3.mediun" is not an EC2 instance type; did you mean "t3.medium"?');
    expect(() => addRecipe({ source: SourceImage.amazonLinux2023(), instanceTypes: [new InstanceType('large')] }))
      .toThrow('instanceTypes[0]: "large" is not an EC2 instance type; use one that "aws ec2 describe-instance-types" lists');
    expect(() => addRecipe({ source: SourceImage.amazonLinux2023(), tests: steps, testInstanceTypes: [new InstanceType('c7i.larg')] }))
      .toThrow('testInstanceTypes[0]: "c7i.larg" is not an EC2 instance type; did you mean "c7i.large"?');
  });

  test('without instance types nothing is checked at synth time', () => {
    expect(() => addRecipe({ source: SourceImage.amazonLinux2023(InstanceArchitecture.ARM_64) })).not.toThrow();
  });

  test('AmiBakery.addRecipe refuses a mismatch too', () => {
    const options: RecipeOptions = { source: SourceImage.ubuntu('24.04', InstanceArchitecture.ARM_64), steps, instanceTypes: [new InstanceType('t3.small')] };

    expect(() => bakeryStack({}, (bakery) => bakery.addRecipe('web', options)))
      .toThrow('Recipe "web": instance type t3.small is x86_64 but the source image is arm64');
  });
});

describe('synth refuses what the runner\'s schema refuses, naming the RecipeOptions field', () => {
  const source = SourceImage.fromAmiId('ami-0123456789abcdef0');
  const REGIONS = ['us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1',
    'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1'];
  const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const tooDeep = `/${Array.from({ length: 16 }, (_, i) => `l${i + 1}`).join('/')}`;

  test.each([
    ['17 copy regions', { distribution: { regions: [...REGIONS, 'af-south-1'] } },
      'Recipe "web": distribution.regions: at most 16 regions (got 17).'],
    ['a copy region twice', { distribution: { regions: ['eu-west-1', 'eu-west-1'] } },
      'Recipe "web": distribution.regions: lists an entry twice (eu-west-1); name each region once.'],
    ['a copy region that is not one', { distribution: { regions: ['Frankfurt'] } },
      'Recipe "web": distribution.regions[0]: expected a region name such as "eu-west-1".'],
    ['a parameter name with a space', { distribution: { ssmParameterName: '/images/web latest' } },
      'Recipe "web": distribution.ssmParameterName: expected an SSM parameter name such as /images/web/latest.'],
    ['a parameter name AWS reserves', { distribution: { ssmParameterName: '/aws/images/web' } },
      'Recipe "web": distribution.ssmParameterName: names starting with "aws" or "ssm" are reserved by AWS.'],
    ['a parameter name 16 levels deep', { distribution: { ssmParameterName: tooDeep } },
      'Recipe "web": distribution.ssmParameterName: the name has 16 levels ("/"-separated parts) and SSM allows at most 15; use a shorter path.'],
    ['a source parameter 16 levels deep', { source: SourceImage.fromSsmParameter(tooDeep) },
      'Recipe "web": source: the name has 16 levels ("/"-separated parts) and SSM allows at most 15; use a shorter path.'],
    ['41 tags', { tags: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`tag${i}`, 'x'])) },
      'Recipe "web": tags: at most 40 tags (AWS allows 50 per resource and the bakery adds its own); remove 1.'],
    ['a copy key of a region the image is not copied to',
      { distribution: { regions: ['eu-west-1'], kmsKeys: [Key.fromKeyArn(new Stack(), 'Key', `arn:aws:kms:us-east-1:111122223333:key/${KEY}`)] } },
      'Recipe "web": distribution.kmsKeys.us-east-1: us-east-1 is not in distribution.regions; add it there or remove this key.'],
    ['an io1 root volume, whose IOPS RecipeOptions cannot set', { rootVolumeType: EbsDeviceVolumeType.IO1 },
      'Recipe "web": rootVolumeType: EC2 needs the IOPS of an io1 volume, which RecipeOptions cannot set; use EbsDeviceVolumeType.GP3'],
  ])('%s', (_name, options, message) => {
    expect(() => addRecipe({ source, ...options } as RecipeOptions)).toThrow(message);
  });

  test.each([
    ['steps', (timeout: Duration) => ({ steps: [ProvisionStep.reboot(), ProvisionStep.shell({ commands: ['true'], timeout })] }),
      'steps[1].shell.timeout'],
    ['tests', (timeout: Duration) => ({ tests: [ProvisionStep.document({ name: 'AWS-RunShellScript', timeout })] }), 'tests[0].document.timeout'],
    ['onFailure', (timeout: Duration) => ({ onFailure: [ProvisionStep.script({ source: 's3://bucket/x.sh', timeout })] }),
      'onFailure[0].script.timeout'],
  ])('a step timeout over 2 days in %s', (_list, options, field) => {
    expect(() => addRecipe({ source, ...options(Duration.days(3)) })).toThrow(
      `Recipe "web": ${field}: must be between 1 and 172800 seconds (2 days, SSM's limit for a command); got 259200.`);
    expect(() => addRecipe({ source, ...options(Duration.days(2)) })).not.toThrow();
  });

  test('the image key must be in the stack\'s region, when the stack has one', () => {
    const kmsKeyId = `arn:aws:kms:us-east-1:111122223333:key/${KEY}`;
    const inRegion = (region?: string) => {
      const stack = new Stack(new App(), 'Test', region ? { env: { region } } : {});
      const bakery = new AmiBakery(stack, 'Bakery');
      return () => bakery.addRecipe('web', { steps, source, kmsKey: Key.fromKeyArn(stack, 'ImageKey', kmsKeyId) });
    };

    expect(inRegion('eu-west-1'))
      .toThrow('Recipe "web": kmsKey: the key ARN is in us-east-1, and the image is made in eu-west-1, the bakery\'s region');
    expect(inRegion('us-east-1')).not.toThrow();
    expect(inRegion()).not.toThrow();
  });

  test('values that are tokens are left to the deployment', () => {
    const token = Lazy.string({ produce: () => '/images/web' });

    const region = Lazy.string({ produce: () => 'eu-west-1' });

    expect(() => addRecipe({ source, distribution: { ssmParameterName: token, regions: [region] } })).not.toThrow();
  });

  test('AmiBakery.addRecipe refuses them too, with every problem in one message', () => {
    const options: RecipeOptions = {
      source, steps, distribution: { regions: [...REGIONS, 'af-south-1'], ssmParameterName: tooDeep },
    };

    expect(() => bakeryStack({}, (bakery) => bakery.addRecipe('web', options))).toThrow(
      /^Recipe "web": distribution\.ssmParameterName: the name has 16 levels .*; distribution\.regions: at most 16 regions \(got 17\)\.$/);
  });
});
