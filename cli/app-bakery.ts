/**
 * What `bakery simulate --app <cdk.out> <recipe>` bakes: a bakery of the app's cloud assembly (chosen with `--bakery`
 * when there are several) and one of the recipes the app registered with it. Every mistake is reported before
 * anything is simulated, naming the option at fault and the fix.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors';
import { ASSEMBLY_MANIFEST, AssemblyBakery, readAssemblyFolder } from '../local/assembly-folder';

export interface AppRecipe {
  readonly bakery: AssemblyBakery;
  readonly recipeName: string;
  /** The registered document, its deploy-time values left as placeholders. */
  readonly document: unknown;
}

/** The bakery of the cloud assembly in `folder` that `selector` names (any, when there is one) and its recipe `recipeName`. */
export function chooseAppRecipe(folder: string, recipeName: string, selector: string | undefined): AppRecipe {
  if (!existsSync(join(folder, ASSEMBLY_MANIFEST))) {
    const what = existsSync(folder) ? `holds no ${ASSEMBLY_MANIFEST}, so it is not a cloud assembly` : 'does not exist';
    throw new UsageError(`--app ${folder} ${what}`,
      'run cdk synth first (it writes the cloud assembly to cdk.out), then pass that folder: bakery simulate --app cdk.out <recipe>');
  }
  const bakery = chooseBakery(folder, readAssemblyFolder(folder), selector);
  const names = Object.keys(bakery.recipes).sort();
  if (!Object.prototype.hasOwnProperty.call(bakery.recipes, recipeName)) {
    throw new UsageError(`the bakery ${describe(bakery)} registers no recipe "${recipeName}"; its recipes: ${names.join(', ') || 'none'}`,
      names.length > 0
        ? `pass one of those names (the recipeName given to addRecipe), e.g. bakery simulate --app ${folder} ${names[0]}`
        : 'register a recipe with addRecipe() in the app and run cdk synth again, or bake a recipe file: bakery simulate <recipe.json>');
  }
  return { bakery, recipeName, document: bakery.recipes[recipeName] };
}

/** The one bakery `selector` names: its bakery id, construct path, or stack and state machine logical id. */
function chooseBakery(folder: string, bakeries: AssemblyBakery[], selector: string | undefined): AssemblyBakery {
  if (bakeries.length === 0) {
    throw new UsageError(`--app ${folder}: the cloud assembly has no AmiBakery`,
      'pass the cdk.out folder of an app with an AmiBakery, and run cdk synth again after adding one');
  }
  const list = bakeries.map(describe).join(', ');
  if (selector === undefined) {
    if (bakeries.length === 1) return bakeries[0];
    throw new UsageError(`--app ${folder} has ${bakeries.length} bakeries: ${list}`, 'choose one with --bakery <bakeryId or construct path>');
  }
  const chosen = bakeries.filter((bakery) => [bakery.bakeryId, bakery.path, `${bakery.stack}/${bakery.logicalId}`].includes(selector));
  if (chosen.length === 1) return chosen[0];
  throw new UsageError(`--bakery ${selector} names ${chosen.length === 0 ? 'no' : 'more than one'} bakery of ${folder}; its bakeries: ${list}`,
    'pass a bakery id, a construct path (Stack/Bakery) or Stack/StateMachineLogicalId from that list');
}

/** `Images/Bakery (--bakery Images-Bakery-18708FBA)`. */
function describe(bakery: AssemblyBakery): string {
  return `${bakery.path ?? `${bakery.stack}/${bakery.logicalId}`} (--bakery ${bakery.bakeryId})`;
}
