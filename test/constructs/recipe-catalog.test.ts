import { App, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { bakeryStack, catalogOf } from './stack';
import { realisticRecipe } from '../../scripts/benchmark/many-recipes';
import { ProvisionStep, SourceImage } from '../../src';
import { withDeployedValues } from '../../src/recipe/recipe-catalog-format';
import { compactArn, MAX_LISTED_RESOURCES } from '../../src/workflow/compact-arns';
import { MAX_STACK_RESOURCES, MAX_TEMPLATE_BYTES, stackLimitProblems } from '../../src/workflow/stack-limits';

describe('500 recipes in one bakery', () => {
  test('synthesize within CloudFormation\'s and IAM\'s limits, with their documents in the catalog', () => {
    const { stack, template } = bakeryStack({}, (bakery) => {
      for (let index = 0; index < 500; index++) bakery.addRecipe(`R${index}`, realisticRecipe(index, index < 300));
    });
    const json = template.toJSON();

    expect(Object.keys(json.Resources).length).toBeLessThanOrEqual(MAX_STACK_RESOURCES);
    expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThan(MAX_TEMPLATE_BYTES / 2);
    expect(Object.keys(catalogOf(stack).recipes)).toHaveLength(500);
    // No role needs more than its inline policy: IAM attaches at most 10 managed policies to a role.
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    // The first parameters are granted by name, the rest by one wildcard per region, which Prepare narrows to what the app declared.
    const distribute = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^BakeryDistributeRole') }] } }));
    const written = distribute.flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: any) => [statement.Action].flat().includes('ssm:PutParameter'))
      .flatMap((statement: any) => [statement.Resource].flat().map((resource: any) => JSON.stringify(resource)));
    expect(written.length).toBeLessThanOrEqual(MAX_LISTED_RESOURCES + 2);
    expect(written.filter((resource) => resource.includes('parameter/images/*'))).toHaveLength(2);
  });

  test('with more scheduled recipes than fit fail synthesis naming the limit and what to move', () => {
    expect(() => bakeryStack({}, (bakery) => {
      for (let index = 0; index < 450; index++) bakery.addRecipe(`R${index}`, realisticRecipe(index, true));
    })).toThrow(/stack Test has 5\d\d resources \(450 AWS::Scheduler::Schedule, .*\), and CloudFormation allows 500 in one stack; move some recipes/);
  });
});

describe('stack limits', () => {
  test('a template over 1 MB is a problem before CloudFormation sees it', () => {
    const stack = new Stack(new App(), 'Big');
    new CfnResource(stack, 'Large', { type: 'AWS::SSM::Document', properties: { Content: 'x'.repeat(MAX_TEMPLATE_BYTES) } });

    expect(stackLimitProblems(stack)).toEqual([expect.stringMatching(/^stack Big's template is 100\d{4} bytes, and CloudFormation accepts at most 1000000; /)]);
  });

  test('a small stack has none', () => {
    const stack = new Stack(new App(), 'Small');
    new CfnResource(stack, 'Small', { type: 'AWS::SNS::Topic' });

    expect(stackLimitProblems(stack)).toEqual([]);
  });
});

describe('compacted grants', () => {
  const parameter = (name: string, region = 'eu-west-1') => `arn:aws:ssm:${region}:111122223333:parameter${name}`;

  test('a parameter becomes the wildcard of its region and top-level path, a role its account\'s; others stay', () => {
    expect(compactArn(parameter('/images/r1/latest'))).toBe(parameter('/images/*'));
    expect(compactArn(parameter('/golden/base', 'eu-central-1'))).toBe(parameter('/golden/*', 'eu-central-1'));
    expect(compactArn('arn:aws:iam::222233334444:role/team/writer-b')).toBe('arn:aws:iam::222233334444:role/*');
    expect(compactArn('arn:aws:ec2:eu-west-1::image/*')).toBe('arn:aws:ec2:eu-west-1::image/*');
    expect(compactArn(parameter('/top'))).toBe(parameter('/top'));
  });

  test('up to the threshold a bakery grants each parameter by name, past it by wildcard', () => {
    const writes = (recipes: number) => {
      const { template } = bakeryStack({}, (bakery) => {
        for (let index = 0; index < recipes; index++) bakery.addRecipe(`R${index}`, realisticRecipe(index, false));
      });
      return Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^BakeryDistributeRole') }] } }))
        .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
        .filter((statement: any) => [statement.Action].flat().includes('ssm:PutParameter'))
        .flatMap((statement: any) => [statement.Resource].flat().map((resource: any) => JSON.stringify(resource)));
    };

    // Two regions per recipe: ten recipes declare 20 parameters.
    expect(writes(MAX_LISTED_RESOURCES / 2).filter((resource) => resource.includes('parameter/images/*'))).toEqual([]);
    expect(writes(MAX_LISTED_RESOURCES / 2 + 1).filter((resource) => resource.includes('parameter/images/*'))).toHaveLength(2);
  });
});

describe('values known only at deploy time', () => {
  test('travel as placeholders that Prepare fills from its environment', () => {
    const { stack, template } = bakeryStack({}, (bakery, scope) => {
      const key = new Key(scope, 'ImageKey');
      bakery.addRecipe('Web', { source: SourceImage.fromAmiId('ami-0123456789abcdef0'), steps: [ProvisionStep.reboot()], kmsKey: key });
    });
    const document = catalogOf(stack).recipes.Web;
    const [prepare] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { BAKERY_STEP: 'prepare' } } } }));

    expect(document.ami.kmsKeyId).toBe('${cdk-ami-bakery:value:0}');
    expect(prepare.Properties.Environment.Variables.RECIPE_CATALOG_VALUES).toEqual({ 'Fn::Join': ['', ['["', { 'Fn::GetAtt': [expect.stringMatching(/^ImageKey/), 'Arn'] }, '"]']] });
    const deployed = withDeployedValues(JSON.stringify(document), ['arn:aws:kms:eu-west-1:111122223333:key/1234']) as any;
    expect(deployed.ami.kmsKeyId).toBe('arn:aws:kms:eu-west-1:111122223333:key/1234');
  });

  test('a number stays a number, though CloudFormation delivers it as text', () => {
    const { stack, template } = bakeryStack({}, (bakery, scope) => {
      const size = new CfnParameter(scope, 'RootSize', { type: 'Number' });
      bakery.addRecipe('Web', { source: SourceImage.fromAmiId('ami-0123456789abcdef0'), steps: [ProvisionStep.reboot()], rootVolumeSize: size.valueAsNumber });
    });
    const document = catalogOf(stack).recipes.Web;
    const [prepare] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { BAKERY_STEP: 'prepare' } } } }));

    expect(document.instance.rootVolume.sizeGiB).toBe('${cdk-ami-bakery:number:0}');
    expect(prepare.Properties.Environment.Variables.RECIPE_CATALOG_VALUES).toEqual({ 'Fn::Join': ['', ['["', { Ref: 'RootSize' }, '"]']] });
    expect((withDeployedValues(JSON.stringify(document), ['100']) as any).instance.rootVolume.sizeGiB).toBe(100);
  });

  test('placeholders are put in place in the parsed document, so quotes and keys around them stay as written', () => {
    const text = JSON.stringify({ 'a': 'say "${cdk-ami-bakery:value:0}"', '${cdk-ami-bakery:value:1}': '${cdk-ami-bakery:number:2}', 'n': 3 });

    expect(withDeployedValues(text, ['x"y', 'key', '42'])).toEqual({ a: 'say "x"y"', key: 42, n: 3 });
    expect(() => withDeployedValues(text, ['x'])).toThrow('the recipe catalog names deploy-time value 1, but only 1 are deployed');
  });

  test('a text that looks like a placeholder is refused, naming where it is', () => {
    expect(() => Template.fromStack(bakeryStack({}, (bakery) => bakery.addRecipe('Web', {
      source: SourceImage.fromAmiId('ami-0123456789abcdef0'),
      steps: [ProvisionStep.shell({ commands: ['echo ${cdk-ami-bakery:value:0}'] })],
    })).stack)).toThrow(/AmiBakery: recipe Web\.steps\[0\]\.shell\.commands\[0\] holds "\$\{cdk-ami-bakery:", which the recipe catalog reserves/);
  });
});
