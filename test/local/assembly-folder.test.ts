/**
 * `readAssemblyFolder`: the bakeries of a cloud assembly folder, stages included, read as the simulator runs them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { readAssemblyFolder } from '../../local/assembly-folder';
import { AmiBakery, ProvisionStep, SourceImage } from '../../src';

test('a bakery in a stage: named by its stage path, resolved in the stage\'s account and region, its catalog and assets read', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'bakery-assembly-'));
  const app = new App({ outdir });
  const prod = new Stage(app, 'Prod', { env: { account: '444455556666', region: 'eu-central-1' } });
  const bakery = new AmiBakery(new Stack(prod, 'Images'), 'Bakery');
  bakery.addRecipe('Web', { recipeName: 'web', source: SourceImage.amazonLinux2023(), steps: [ProvisionStep.shell({ commands: ['echo web'] })] });
  // An environment-agnostic stack without a bakery is passed over.
  new Stack(app, 'Other');
  app.synth();

  const [found, ...others] = readAssemblyFolder(outdir);
  expect(others).toEqual([]);
  expect(found).toMatchObject({ path: 'Prod/Images/Bakery', stack: 'Prod/Images', bakeryId: expect.stringMatching(/^ProdImages-Bakery-/) });
  expect(Object.keys(found.recipes)).toEqual(['web']);
  expect(found.bakery.environment).toEqual({ account: '444455556666', region: 'eu-central-1' });
  expect(found.bakery.stateMachineArn).toBe(`arn:aws:states:eu-central-1:444455556666:stateMachine:${found.logicalId}`);
  expect(found.bakery.deployedObjects[0].bucket).toBe('cdk-hnb659fds-assets-444455556666-eu-central-1');
  expect([...found.bakery.functions.values()].map((fn) => fn.step)).toContain('prepare');
  expect(found.bakery.subnets).toEqual([]);
});

test('an environment-agnostic stack resolves its Fn::Sub asset bucket in the simulator\'s account and region', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'bakery-assembly-'));
  const app = new App({ outdir });
  new AmiBakery(new Stack(app, 'Images'), 'Bakery');
  app.synth();

  const [found] = readAssemblyFolder(outdir);
  expect(found.bakery.environment).toEqual({ account: '123456789012', region: 'us-east-1' });
  const { environment } = [...found.bakery.functions.values()].find((fn) => fn.step === 'prepare')!;
  expect(environment.RECIPE_CATALOG_BUCKET).toBe('cdk-hnb659fds-assets-123456789012-us-east-1');
  expect(found.recipes).toEqual({});
});
