import { App, Lazy, Stack } from 'aws-cdk-lib';
import { bakeryStack } from './stack';
import { ProvisionStep, Recipe, RecipeOptions, SourceImage } from '../../src';

const steps = [ProvisionStep.shell({ commands: ['true'] })];

/** Registers a recipe named "web" in a fresh stack. */
function addRecipe(options: Omit<RecipeOptions, 'steps'>): Recipe {
  const stack = new Stack(new App(), 'Test');
  return new Recipe(stack, 'web', { parameterPrefix: '/cdk-ami-bakery/test/recipes/', steps, ...options });
}

describe('instance types must suit the source image\'s architecture, when both are known at synth time', () => {
  test('an x86_64 type with an arm64 source is refused with a message that names both ways out', () => {
    // GIVEN
    const source = SourceImage.fromFilter({ owners: ['099720109477'], name: 'ubuntu/images/*24.04*', architecture: 'arm64' });

    // WHEN
    const register = () => addRecipe({ source, instanceTypes: ['t3.small'] });

    // THEN
    expect(register).toThrow(
      'Recipe "web": instance type t3.small is x86_64 but the source image is arm64; use an arm64 type such as t4g.small, or an x86_64 source image.',
    );
  });

  test('an arm64 type with an x86_64 source is refused', () => {
    expect(() => addRecipe({ source: SourceImage.amazonLinux2023(), instanceTypes: ['t3.small', 'm7g.large'] })).toThrow(
      'Recipe "web": instance type m7g.large is arm64 but the source image is x86_64; use an x86_64 type such as t3.small, or an arm64 source image.',
    );
  });

  test.each([
    ['ubuntu amd64 (Ubuntu\'s name for x86_64)', SourceImage.ubuntu('24.04', 'amd64'), 'c6gn.xlarge', 'arm64', 'x86_64'],
    ['ubuntu arm64', SourceImage.ubuntu('22.04', 'arm64'), 'c7i.large', 'x86_64', 'arm64'],
    ['amazon linux arm64', SourceImage.amazonLinux2023('arm64'), 'm5.large', 'x86_64', 'arm64'],
    ['a filter for x86_64', SourceImage.fromFilter({ owners: ['amazon'], name: 'al2023-ami-*', architecture: 'x86_64' }), 'hpc7g.4xlarge', 'arm64', 'x86_64'],
  ])('%s refuses %s', (_name, source, instanceType, typeArchitecture, imageArchitecture) => {
    expect(() => addRecipe({ source, instanceTypes: [instanceType] }))
      .toThrow(`instance type ${instanceType} is ${typeArchitecture} but the source image is ${imageArchitecture}`);
  });

  test.each([
    ['arm64 Graviton types with an arm64 source', SourceImage.ubuntu('24.04', 'arm64'),
      ['a1.large', 't4g.small', 'm6gd.large', 'm8g.large', 'c7gn.large', 'r8g.large', 'x2gd.large', 'im4gn.large', 'is4gen.large', 'i4g.large', 'g5g.xlarge', 'hpc7g.4xlarge']],
    ['x86_64 types with an x86_64 source', SourceImage.amazonLinux2023('x86_64'), ['t3.small', 't3a.small', 'm7i.large', 'c6in.large', 'g5.xlarge']],
  ])('accepts %s', (_name, source, instanceTypes) => {
    const recipe = addRecipe({ source, instanceTypes });

    expect(recipe.document.instance.types).toEqual(instanceTypes);
  });

  test.each([
    ['an AMI id', SourceImage.fromAmiId('ami-0123456789abcdef0')],
    ['an SSM parameter', SourceImage.fromSsmParameter('/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id')],
    ['a filter without architecture', SourceImage.fromFilter({ owners: ['self'], name: 'golden-*' })],
    ['a filter with an architecture that is a token', SourceImage.fromFilter({ owners: ['self'], name: 'golden-*', architecture: Lazy.string({ produce: () => 'arm64' }) })],
    ['a filter for an architecture it does not know (i386)', SourceImage.fromFilter({ owners: ['self'], name: 'golden-*', architecture: 'i386' })],
  ])('leaves the check to the bake when the source is %s', (_name, source) => {
    expect(() => addRecipe({ source, instanceTypes: ['t4g.small', 't3.small'] })).not.toThrow();
  });

  test.each([
    ['a token', Lazy.string({ produce: () => 't3.small' })],
    ['not shaped like family.size', 'large'],
    ['a Mac type', 'mac2.metal'],
  ])('skips an instance type that is %s', (_name, instanceType) => {
    expect(() => addRecipe({ source: SourceImage.ubuntu('24.04', 'arm64'), instanceTypes: [instanceType] })).not.toThrow();
  });

  test('without instance types nothing is checked at synth time', () => {
    expect(() => addRecipe({ source: SourceImage.amazonLinux2023('arm64') })).not.toThrow();
  });

  test('AmiBakery.addRecipe refuses a mismatch too', () => {
    const options: RecipeOptions = { source: SourceImage.ubuntu('24.04', 'arm64'), steps, instanceTypes: ['t3.small'] };

    expect(() => bakeryStack({}, (bakery) => bakery.addRecipe('web', options)))
      .toThrow('Recipe "web": instance type t3.small is x86_64 but the source image is arm64');
  });
});
