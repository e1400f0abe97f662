/**
 * Recipe options take CDK's own types: `ec2.InstanceType`, `kms.IKey`, `ssm.IStringParameter` and
 * `ec2.InstanceArchitecture`. Keys and parameters given as objects are granted to the bakery when the recipe is added.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InstanceArchitecture, InstanceClass, InstanceSize, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { Alias, Key } from 'aws-cdk-lib/aws-kms';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { allStatements, bakeryStack } from './stack';
import { AmiBakery, ProvisionStep, SourceImage } from '../../src';

const steps = [ProvisionStep.shell({ commands: ['true'] })];
const COPY_KEY = 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The statements of the template that allow `action`, with their resources as the template writes them. */
function statementsAllowing(template: Template, action: string): any[] {
  return allStatements(template).filter((statement) => [statement.Action].flat().includes(action));
}

describe('instance types', () => {
  test('render under the names EC2 knows them by', () => {
    const { bakery } = bakeryStack();
    const recipe = bakery.addRecipe('Web', {
      source: SourceImage.amazonLinux2023(),
      steps,
      tests: steps,
      instanceTypes: [InstanceType.of(InstanceClass.T3, InstanceSize.SMALL), new InstanceType('m7i.large')],
      testInstanceTypes: [InstanceType.of(InstanceClass.C7I, InstanceSize.LARGE)],
    });

    expect(recipe.document.instance.types).toEqual(['t3.small', 'm7i.large']);
    expect(recipe.document.testInstance.types).toEqual(['c7i.large']);
  });
});

describe('architectures', () => {
  test.each([
    [InstanceArchitecture.X86_64, 'amd64', 'x86_64'],
    [InstanceArchitecture.ARM_64, 'arm64', 'arm64'],
  ])('%s names Ubuntu\'s %s parameter and Amazon Linux\'s %s one', (architecture, ubuntuName, amazonLinuxName) => {
    expect(SourceImage.ubuntu('24.04', architecture)._render().ssmParameter)
      .toBe(`/aws/service/canonical/ubuntu/server/24.04/stable/current/${ubuntuName}/hvm/ebs-gp3/ami-id`);
    expect(SourceImage.amazonLinux2023(architecture)._render().ssmParameter)
      .toBe(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${amazonLinuxName}`);
  });

  test('a filter carries the architecture as EC2 names it, and an arm64 image refuses x86_64 types', () => {
    const source = SourceImage.fromFilter({ owners: ['amazon'], name: 'al2023-ami-*', architecture: InstanceArchitecture.ARM_64 });
    expect(source._render()).toEqual({ filter: { owners: ['amazon'], name: 'al2023-ami-*', architecture: 'arm64' } });
    const { bakery } = bakeryStack();
    expect(() => bakery.addRecipe('Web', { source, steps, instanceTypes: [new InstanceType('t3.small')] }))
      .toThrow('instance type t3.small is x86_64 but the source image is arm64');
  });
});

describe('source parameters', () => {
  test('a parameter of the app is read by its name, and Prepare may read that parameter only', () => {
    let document: any;
    const { stack, template } = bakeryStack({}, (bakery, scope) => {
      const parameter = new StringParameter(scope, 'BaseImage', { parameterName: '/images/golden/base', stringValue: 'ami-0123456789abcdef0' });
      document = bakery.addRecipe('Web', { source: SourceImage.fromSsmParameter(parameter), steps }).document;
    });

    expect(stack.resolve(document.source.ssmParameter)).toEqual({ Ref: expect.stringMatching(/^BaseImage/) });
    const reads = statementsAllowing(template, 'ssm:GetParameter').flatMap((statement) => [statement.Resource].flat());
    expect(JSON.stringify(reads)).toContain('BaseImage');
    expect(JSON.stringify(reads)).not.toContain('parameter/images/golden/base');
  });

  test('a parameter given by name is allowed by its name', () => {
    const { template } = bakeryStack({}, (bakery) => bakery.addRecipe('Web', { source: SourceImage.fromSsmParameter('/images/golden/base'), steps }));

    const reads = statementsAllowing(template, 'ssm:GetParameter').flatMap((statement) => [statement.Resource].flat());
    expect(JSON.stringify(reads)).toContain(':ssm:eu-west-1:111122223333:parameter/images/golden/base"');
  });
});

describe('KMS keys', () => {
  test('the image key and the copy keys are in the document, and the runner may use each through EC2 in its region', () => {
    let document: any;
    const { stack, template } = bakeryStack({}, (bakery, scope) => {
      document = bakery.addRecipe('Web', {
        source: SourceImage.amazonLinux2023(),
        steps,
        kmsKey: new Key(scope, 'ImageKey'),
        distribution: { regions: ['eu-central-1'], kmsKeys: [Key.fromKeyArn(scope, 'CopyKey', COPY_KEY)] },
      }).document;
    });

    expect(stack.resolve(document.ami.kmsKeyId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ImageKey/), 'Arn'] });
    expect(document.distribution.kmsKeyIds).toEqual({ 'eu-central-1': COPY_KEY });
    const grants = statementsAllowing(template, 'kms:CreateGrant');
    expect(grants.map((statement) => statement.Condition.StringEquals['kms:ViaService']).sort())
      .toEqual([...Array(3).fill('ec2.eu-central-1.amazonaws.com'), ...Array(3).fill('ec2.eu-west-1.amazonaws.com')].sort());
    expect(grants.filter((statement) => statement.Resource === COPY_KEY)).toHaveLength(3);
  });

  test('two copy keys in one region are refused, naming the field', () => {
    const { stack, bakery } = bakeryStack();
    const keys = ['a', 'b'].map((id) => Key.fromKeyArn(stack, id, COPY_KEY.replace('1234abcd', `${id}234abcd`)));
    expect(() => bakery.addRecipe('Web', { source: SourceImage.amazonLinux2023(), steps, distribution: { regions: ['eu-central-1'], kmsKeys: keys } }))
      .toThrow('Recipe "Web": distribution.kmsKeys holds two keys in eu-central-1; give at most one key per copy region.');
  });

  test('a copy key whose region is known only at deploy time is refused, with the fix', () => {
    const { bakery } = bakeryStack();
    const regionless = new Key(new Stack(), 'Somewhere');
    expect(() => bakery.addRecipe('Web', { source: SourceImage.amazonLinux2023(), steps, distribution: { regions: ['eu-central-1'], kmsKeys: [regionless] } }))
      .toThrow(/distribution\.kmsKeys: the region of key .*Somewhere is known only at deploy time; import the key of each copy region with Key\.fromKeyArn/);
  });
});

describe('KMS aliases and regions', () => {
  test('an alias is granted as the keys of its region that carry it, since KMS never authorizes an alias ARN', () => {
    const { template } = bakeryStack({}, (bakery, scope) => bakery.addRecipe('Web', {
      source: SourceImage.amazonLinux2023(), steps, kmsKey: Alias.fromAliasName(scope, 'Images', 'alias/images'),
    }));

    const grants = statementsAllowing(template, 'kms:CreateGrant');
    expect(grants).toHaveLength(3);
    for (const grant of grants) {
      expect(JSON.stringify(grant.Resource)).toContain(':kms:eu-west-1:111122223333:key/*');
      expect(grant.Condition).toEqual({
        'StringEquals': { 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/images' },
      });
    }
  });

  test('a key of the app in another region than the bakery is refused at synth', () => {
    const app = new App();
    const keys = new Stack(app, 'Keys', { env: { account: '111122223333', region: 'us-east-1' }, crossRegionReferences: true });
    const stack = new Stack(app, 'Images', { env: { account: '111122223333', region: 'eu-west-1' }, crossRegionReferences: true });
    const bakery = new AmiBakery(stack, 'Bakery');
    expect(() => bakery.addRecipe('Web', { source: SourceImage.amazonLinux2023(), steps, kmsKey: new Key(keys, 'ImageKey') }))
      .toThrow('Recipe "Web": kmsKey: key Keys/ImageKey is in us-east-1, and the image is made in eu-west-1, the bakery\'s region');
  });
});
