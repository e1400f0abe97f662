/**
 * `tests`, `testInstanceTypes`, `keepUntestedImage` and `onFailure` on a CDK recipe: the document they render, the
 * states the workflow gains, and what the runner may do with the tested tag.
 */
import { InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { allStatements, bakeryStack, definitionOf } from './stack';
import { validateRecipe } from '../../lambda/shared/validate-recipe';
import { ProvisionStep, SourceImage } from '../../src';

const STEPS = [ProvisionStep.shell({ commands: ['apt-get install -y nginx'] })];

describe('recipes with tests', () => {
  test('render tests, the test instance and onFailure steps the recipe schema accepts', () => {
    const { bakery } = bakeryStack({}, (b) => b.addRecipe('Web', {
      source: SourceImage.ubuntu('24.04', InstanceArchitecture.X86_64),
      steps: STEPS,
      tests: [ProvisionStep.shell({ name: 'nginx runs', commands: ['systemctl is-active nginx'] })],
      testInstanceTypes: [new InstanceType('t3.micro')],
      keepUntestedImage: true,
      onFailure: [ProvisionStep.shell({ commands: ['journalctl -n 100'] })],
    }));
    const document = (bakery.node.findChild('Web') as any).document;

    expect(document).toMatchObject({
      tests: [{ shell: { name: 'nginx runs', commands: ['systemctl is-active nginx'] } }],
      testInstance: { types: ['t3.micro'] },
      keepUntestedImage: true,
      onFailure: [{ shell: { commands: ['journalctl -n 100'] } }],
    });
    expect(validateRecipe(document).problems).toEqual([]);
  });

  test('a test instance type that cannot boot the source image is refused at synth time', () => {
    expect(() => bakeryStack({}, (b) => b.addRecipe('Web', {
      source: SourceImage.ubuntu('24.04', InstanceArchitecture.X86_64), steps: STEPS, tests: STEPS, testInstanceTypes: [new InstanceType('m7g.large')],
    }))).toThrow('Recipe "Web": testInstanceTypes: instance type m7g.large is arm64 but the source image is x86_64');
  });

  test('the workflow tests the image after it is available and before the copies, and runs failure steps before cleanup', () => {
    const { States } = definitionOf(bakeryStack().template);

    expect(States['Image available?'].Choices[0].Next).toBe('Test the image?');
    expect(States['Test the image?'].Choices[0]).toMatchObject({ Variable: '$.build.recipe.tests', IsPresent: true, Next: 'Launch test instance' });
    expect(States['Test the image?'].Default).toBe('Copy image to regions');
    expect(States['Finish tests'].Next).toBe('Copy image to regions');
    expect(States['Failed in provision'].Next).toBe('Run failure steps?');
    expect(States['Failed in stop'].Next).toBe('Clean up after failure');
    expect(States['Start failure step'].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.onFailureError', Next: 'Clean up after failure' }]);
    expect(States['Any failure steps left?'].Default).toBe('Clean up after failure');
  });

  test('the runner may tag images with the tested outcome only by that one tag key', () => {
    const tagStatements = allStatements(bakeryStack().template).filter((statement) => statement.Action === 'ec2:CreateTags'
      && JSON.stringify(statement.Condition ?? {}).includes('cdk-ami-bakery:tested'));

    expect(tagStatements).toHaveLength(2);
    for (const statement of tagStatements) expect(statement.Condition['ForAllValues:StringEquals']['aws:TagKeys']).toEqual(['cdk-ami-bakery:tested']);
  });
});
