import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { bakeryStack, definitionOf } from './stack';
import { AdHocRecipes, ProvisionStep, SourceImage } from '../../src';
import {
  BAKERY_STEPS_SECONDS, bakeBudgetSeconds, BudgetedRecipe, CLEANUP_SECONDS, MIN_BAKE_SECONDS,
} from '../../src/recipe/bake-budget';
import { DEFAULT_TIMEOUTS, STEP_GRACE_SECONDS, SYSPREP_TIMEOUT_SECONDS, WINDOWS_DEFAULTS } from '../../src/recipe/timeouts';

const example = (file: string): BudgetedRecipe => JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'recipes', file), 'utf8'));
/** What every bake may spend besides the recipe's own waits: launch, the bakery's steps and cleanup. */
const FIXED = BAKERY_STEPS_SECONDS + CLEANUP_SECONDS;
const IMAGE_AND_STOP = DEFAULT_TIMEOUTS.instanceStopSeconds + DEFAULT_TIMEOUTS.imageAvailableSeconds;

function stateMachineTimeout(template: ReturnType<typeof bakeryStack>['template']): number {
  return (definitionOf(template) as { TimeoutSeconds?: number }).TimeoutSeconds!;
}

describe('a recipe\'s bake budget', () => {
  test('adds up each wait the recipe sets or defaults: nginx\'s three steps, agent, stop and image', () => {
    const steps = (1800 + STEP_GRACE_SECONDS) + 2 * (3600 + STEP_GRACE_SECONDS);
    expect(bakeBudgetSeconds(example('nginx.json'))).toBe(FIXED + DEFAULT_TIMEOUTS.agentOnlineSeconds + steps + IMAGE_AND_STOP);
  });

  test('copies add one copy budget, as they wait side by side', () => {
    const steps = (1800 + STEP_GRACE_SECONDS) + (3600 + STEP_GRACE_SECONDS);
    expect(bakeBudgetSeconds(example('web-distributed.json')))
      .toBe(FIXED + DEFAULT_TIMEOUTS.agentOnlineSeconds + steps + IMAGE_AND_STOP + DEFAULT_TIMEOUTS.copyAvailableSeconds);
  });

  test('a Windows source uses the Windows defaults and adds the sysprep step', () => {
    const recipe: BudgetedRecipe = {
      source: { ssmParameter: '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base' },
      steps: [{ powershell: {} }],
    };
    expect(bakeBudgetSeconds(recipe)).toBe(FIXED + WINDOWS_DEFAULTS.agentOnlineSeconds + WINDOWS_DEFAULTS.stepTimeoutSeconds
      + STEP_GRACE_SECONDS + SYSPREP_TIMEOUT_SECONDS + STEP_GRACE_SECONDS + IMAGE_AND_STOP);
  });

  test('a source only the image will name is budgeted as the longer of Linux and Windows', () => {
    const byId: BudgetedRecipe = { source: {}, steps: [{ shell: { timeoutSeconds: 60 } }] };
    const asWindows = bakeBudgetSeconds({ ...byId, source: { ssmParameter: '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base' } });
    expect(bakeBudgetSeconds(byId)).toBe(asWindows);
  });

  test('tests add the test instance\'s agent wait and their steps; a document step uses its document\'s own limit', () => {
    const recipe: BudgetedRecipe = {
      source: { ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id' },
      steps: [{ document: { name: 'AWS-RunShellScript', parameters: { commands: ['true'], executionTimeout: '120' } } }],
      tests: [{ shell: { timeoutSeconds: 300 } }],
      timeouts: { agentOnlineSeconds: 120, instanceStopSeconds: 60, imageAvailableSeconds: 600 },
    };
    expect(bakeBudgetSeconds(recipe)).toBe(FIXED + 120 + (120 + STEP_GRACE_SECONDS) + 60 + 600 + 120 + (300 + STEP_GRACE_SECONDS));
  });
});

describe('the default bakeTimeout', () => {
  const longStep = ProvisionStep.shell({ commands: ['make world'], timeout: Duration.hours(2) });

  test('is the longest budget of the registered recipes, in the state machine and for the orphan sweeper', () => {
    const { template } = bakeryStack({}, (created) => {
      created.addRecipe('Short', { source: SourceImage.ubuntu(), steps: [ProvisionStep.shell({ commands: ['true'], timeout: Duration.minutes(1) })] });
      created.addRecipe('Long', { source: SourceImage.ubuntu(), steps: [longStep], distribution: { regions: ['eu-central-1', 'us-east-1'] } });
    });
    const expected = FIXED + DEFAULT_TIMEOUTS.agentOnlineSeconds + 7200 + STEP_GRACE_SECONDS + IMAGE_AND_STOP + DEFAULT_TIMEOUTS.copyAvailableSeconds;
    expect(expected).toBeGreaterThan(4 * 3600);
    expect(stateMachineTimeout(template)).toBe(expected);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BAKERY_STEP: 'sweep-orphans', MAX_BAKE_SECONDS: String(expected) }) },
    });
  });

  test('is four hours for recipes that need less, and for a bakery that only bakes ad-hoc recipes', () => {
    const short = ProvisionStep.shell({ commands: ['true'], timeout: Duration.minutes(1) });
    const { template } = bakeryStack({}, (created) => created.addRecipe('Short', { source: SourceImage.ubuntu(), steps: [short] }));
    expect(stateMachineTimeout(template)).toBe(4 * 3600);
    expect(MIN_BAKE_SECONDS).toBe(4 * 3600);
    expect(stateMachineTimeout(bakeryStack({ adHocRecipes: AdHocRecipes.allow() }).template)).toBe(MIN_BAKE_SECONDS);
  });

  test('an explicit bakeTimeout is kept, with a warning naming each recipe whose waits could outlast it', () => {
    const { template, stack } = bakeryStack({ bakeTimeout: Duration.hours(2) }, (created) => {
      created.addRecipe('Long', { recipeName: 'long', source: SourceImage.ubuntu(), steps: [longStep] });
    });
    expect(stateMachineTimeout(template)).toBe(2 * 3600);
    Annotations.fromStack(stack).hasWarning('/Test/Bakery', Match.stringLikeRegexp(
      'bakeTimeout \\(7200 s\\) is shorter than recipe "long" may need \\([0-9]+ s'));
  });
});
