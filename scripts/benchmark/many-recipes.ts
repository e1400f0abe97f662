/**
 * A bakery with many recipes as teams write them, and what synthesizing it takes: time, resources, template size
 * and the recipe catalog's size, beside CloudFormation's limits.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { InstanceArchitecture } from 'aws-cdk-lib/aws-ec2';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { AmiBakery, ProvisionStep, RecipeOptions, SourceImage } from '../../src';
import { MAX_STACK_RESOURCES, MAX_TEMPLATE_BYTES } from '../../src/workflow/stack-limits';

/** A recipe with a 40-line install step, a reboot, a smoke test, a copy and a parameter of its own. */
export function realisticRecipe(index: number, scheduled: boolean): RecipeOptions {
  return {
    recipeName: `recipe-${index}`,
    source: SourceImage.ubuntu('24.04', InstanceArchitecture.X86_64),
    steps: [
      ProvisionStep.shell({
        name: 'install',
        commands: Array.from({ length: 40 }, (_, line) => `apt-get install -y package-${line} && configure-package ${line} --for recipe-${index}`),
        timeout: Duration.minutes(30),
      }),
      ProvisionStep.reboot('kernel'),
      ProvisionStep.shell({ name: 'smoke', commands: ['curl -fsS http://localhost/'] }),
    ],
    ...(scheduled ? { schedule: ScheduleExpression.rate(Duration.days(7)) } : {}),
    distribution: { regions: ['eu-central-1'], ssmParameterName: `/images/recipe-${index}/latest` },
  };
}

export interface SynthMeasure {
  readonly recipes: number;
  readonly scheduled: number;
  readonly milliseconds: number;
  readonly resources: number;
  readonly templateBytes: number;
  readonly catalogBytes: number;
}

/** Synthesizes a bakery with `recipes` realistic recipes, the first `scheduled` of them on a schedule. */
export function measureSynth(recipes: number, scheduled: number): SynthMeasure {
  const started = performance.now();
  const app = new App();
  const stack = new Stack(app, 'ManyRecipes', { env: { account: '111122223333', region: 'us-east-1' } });
  const bakery = new AmiBakery(stack, 'Bakery');
  for (let index = 0; index < recipes; index++) bakery.addRecipe(`Recipe${index}`, realisticRecipe(index, index < scheduled));
  const assembly = app.synth();
  const milliseconds = performance.now() - started;
  const artifact = assembly.getStackByName(stack.stackName);
  return {
    recipes,
    scheduled,
    milliseconds,
    resources: Object.keys(artifact.template.Resources).length,
    templateBytes: Buffer.byteLength(JSON.stringify(artifact.template)),
    catalogBytes: catalogBytes(assembly.directory, stack.stackName),
  };
}

/** One line per size: synthesis time, resources and template size against CloudFormation's limits. */
export function reportSynth(measures: readonly SynthMeasure[]): void {
  console.log(`\nsynthesis of a bakery with many recipes (limits: ${MAX_STACK_RESOURCES} resources, ${MAX_TEMPLATE_BYTES / 1e6} MB template)`);
  for (const measure of measures) {
    console.log(`  ${String(measure.recipes).padStart(4)} recipes (${String(measure.scheduled).padStart(3)} scheduled)  `
      + `${(measure.milliseconds / 1000).toFixed(1).padStart(5)} s real  ${String(measure.resources).padStart(3)} resources  `
      + `template ${(measure.templateBytes / 1024).toFixed(0).padStart(4)} KB  catalog ${(measure.catalogBytes / 1024).toFixed(0)} KB`);
  }
}

/** The size of the stack's one JSON file asset, the recipe catalog. */
function catalogBytes(directory: string, stackName: string): number {
  const manifest = JSON.parse(readFileSync(join(directory, `${stackName}.assets.json`), 'utf8')) as { files: Record<string, { source: { path: string } }> };
  const catalog = Object.values(manifest.files).find((file) => /^asset\..*\.json$/.test(file.source.path));
  return catalog ? statSync(join(directory, catalog.source.path)).size : 0;
}
