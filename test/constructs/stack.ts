import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AmiBakery, AmiBakeryProps } from '../../src';

/** A stack with one bakery, in a fixed environment so ARNs are predictable. */
export function bakeryStack(props?: AmiBakeryProps | ((stack: Stack) => AmiBakeryProps), configure?: (bakery: AmiBakery, stack: Stack) => void) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
  const bakery = new AmiBakery(stack, 'Bakery', typeof props === 'function' ? props(stack) : props);
  configure?.(bakery, stack);
  return { stack, bakery, template: Template.fromStack(stack) };
}

/** The state machine definition, parsed, with function ARNs replaced by their logical ids. */
export function definitionOf(template: Template): { StartAt: string; States: Record<string, any> } {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines);
  const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, "'"))).join('');
  return JSON.parse(text);
}

/** Every IAM policy statement of the stack, flattened. */
export function allStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

/** Environment variables of the launch step's function. */
export function launchEnvironment(template: Template): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  return functions.find((fn: any) => fn.Properties.Environment.Variables.BAKERY_STEP === 'launch')!.Properties.Environment.Variables;
}

/** The recipe catalog the stack ships (its key, and its content as Prepare reads it before deploy-time values are put in). */
export function catalogOf(stack: Stack): { key: string; recipes: Record<string, any> } {
  const assembly = Stage.of(stack)!.synth();
  const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.stackName}.assets.json`), 'utf8'));
  const [hash, asset] = Object.entries<any>(manifest.files).find(([, file]) => file.source.packaging === 'file' && /^asset\..*\.json$/.test(file.source.path))!;
  const file = JSON.parse(readFileSync(join(assembly.directory, asset.source.path), 'utf8'));
  return { key: `${hash}.json`, recipes: file.recipes };
}
