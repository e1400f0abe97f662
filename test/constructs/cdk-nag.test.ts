import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, PolicyViolation, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BakeryStack } from '../../examples/app/bakery-stack';
import { addNagSuppressions } from '../../examples/app/nag-suppressions';

/**
 * cdk-nag 3 is a CDK validation plugin: it reports to the synthesis validation report, not as annotations, and
 * fails `app.synth()` on an unacknowledged finding. `validateScope` returns the same report to assert on.
 */

const FIXED_ENV = { account: '111122223333', region: 'eu-west-1' };

function exampleStack(options: { suppressed: boolean; env?: typeof FIXED_ENV | 'agnostic' }) {
  const app = new App();
  const env = options.env === 'agnostic' ? undefined : options.env ?? FIXED_ENV;
  const stack = new BakeryStack(app, 'AmiBakery', { env });
  if (options.suppressed) addNagSuppressions(stack, stack.bakery);
  return { app, stack };
}

/** `AwsSolutions-IAM5[Resource::*] at AmiBakery/Bakery/PrepareRole/DefaultPolicy/Resource`, one per finding. */
function findings(violations: PolicyViolation[]): string[] {
  return violations
    .filter((violation) => violation.severity === 'error' || violation.severity === 'warning')
    .flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`));
}

/** Every acknowledgment in the stack: `<rule id> at <construct path>`. */
function acknowledgments(scope: App): string[] {
  return scope.node.findAll().flatMap((construct) => construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data).map((id) => `${id.replace(/^annotation::/i, '')} at ${construct.node.path}`)));
}

describe('cdk-nag AwsSolutions checks on the example stack', () => {
  test.each([['in a fixed environment', FIXED_ENV], ['environment-agnostic, as examples/app/main.ts deploys it', 'agnostic' as const]])('no unacknowledged error or warning, %s', (_, env) => {
    const { stack } = exampleStack({ suppressed: true, env });
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    expect(findings(report.violations)).toEqual([]);
  });

  test('the example app synthesizes with the checks as a validation plugin, as examples/app/main.ts runs them', () => {
    const { app } = exampleStack({ suppressed: true });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    expect(() => app.synth()).not.toThrow();
  });

  test('without the acknowledgments the checks fail, and each acknowledgment matches a finding', () => {
    const unsuppressedStack = exampleStack({ suppressed: false }).stack;
    const unsuppressed = findings(new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(unsuppressedStack).violations);
    expect(unsuppressed).toContain('AwsSolutions-SF2 at AmiBakery/Bakery/StateMachine/Resource');

    const { app } = exampleStack({ suppressed: true });
    const acknowledged = acknowledgments(app);
    expect(acknowledged.length).toBeGreaterThan(20);
    const unused = acknowledged.filter((acknowledgment) => {
      const [id, path] = acknowledgment.split(' at ');
      return !unsuppressed.some((finding) => finding.startsWith(`${id} at ${path}/`));
    });
    expect(unused).toEqual([]);
  });

  test('the library does not depend on cdk-nag: acknowledgments live in the example, the package only in devDependencies', () => {
    const sources = readdirSync(join(__dirname, '../../src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) expect(readFileSync(join(__dirname, '../../src', file), 'utf8')).not.toMatch(/cdk-nag|Validations\.of/);
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
    expect(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.bundledDependencies })).not.toContain('cdk-nag');
  });
});
