/**
 * Integration test: deploys a bakery with one small recipe, bakes an image, checks that it is available and tagged
 * as the bakery tags what it hands over, then removes the image and its snapshot. Deploying it needs an account
 * (docs/testing-in-your-account.md); its snapshot is checked without one in every test run
 * (test/integ/integ-snapshot.test.ts).
 */
import { ActualResult, EqualsAssertion, ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { AmiBakery, ProvisionStep, SourceImage } from '../src';
import { TAG_KEYS } from '../src/contract';

/** The recipe the test bakes, and the tag of its own it puts on the image. */
const RECIPE = 'integ-smoke';
const RECIPE_TAG = { Key: 'purpose', Value: 'cdk-ami-bakery-integ' };

/** How the bake's last describeExecution may read: the execution has ended, one way or another. */
const ENDED = '^(SUCCEEDED|FAILED|TIMED_OUT|ABORTED)$';

const app = new App();

const stack = new Stack(app, 'AmiBakeryInteg');
const bakery = new AmiBakery(stack, 'Bakery');
// The smallest bake there is: Amazon Linux 2023 with one quick shell step.
bakery.addRecipe('Smoke', {
  recipeName: RECIPE,
  source: SourceImage.amazonLinux2023(),
  steps: [ProvisionStep.shell({ name: 'mark the image', commands: ['echo "baked by the cdk-ami-bakery integration test" > /etc/motd'] })],
  amiName: `${RECIPE}-{{timestamp}}`,
  tags: { [RECIPE_TAG.Key]: RECIPE_TAG.Value },
});

const assertions = new Stack(app, 'AmiBakeryIntegAssertions');
const integ = new IntegTest(app, 'Bake', {
  testCases: [stack],
  assertionStack: assertions,
  // One deployment is enough: the update workflow would deploy (and bake) twice.
  stackUpdateWorkflow: false,
  // The handler bundles and the recipe catalog (where the recipe itself lives) are built reproducibly, so the
  // snapshot check compares their hashes too: a changed recipe or handler fails it until the snapshot is rewritten.
  diffAssets: true,
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

// Start a bake, as a schedule or `bakery build` would.
const start = integ.assertions.awsApiCall('SFN', 'startExecution', {
  stateMachineArn: bakery.stateMachine.stateMachineArn,
  input: JSON.stringify({ recipeName: RECIPE }),
});
const executionArn = start.getAttString('executionArn');

// Wait for the bake to end, however it ends, so a failed bake fails the test in minutes rather than at the timeout.
// Reading paths of the answer keeps only those fields: a custom resource's answer must stay under 4 KB, and the
// manifest (the execution's output, which integ-tests parses from JSON) is longer.
const ended = integ.assertions.awsApiCall('SFN', 'describeExecution', { executionArn })
  .assertAtPath('status', ExpectedResult.stringLikeRegexp(ENDED))
  .waitForAssertions({ totalTimeout: Duration.minutes(45), interval: Duration.seconds(30), backoffRate: 1 });
const amiId = ended.getAttString('output.artifacts.0.amiId');
const buildId = ended.getAttString('output.buildId');
// The recipe's one root volume makes one snapshot.
const snapshotId = ended.getAttString('output.artifacts.0.snapshotIds.0');

// The bake succeeded: anything else stops the deployment here, before anything reads the manifest it did not write.
const succeeded = new EqualsAssertion(assertions, 'BakeSucceeded', {
  actual: ActualResult.fromAwsApiCall(ended, 'status'),
  expected: ExpectedResult.exact('SUCCEEDED'),
  failDeployment: true,
});

// Describe the image by its id and the tags the bakery and the recipe put on it (filters match tags in any order):
// only an available image with all of them answers. Then remove it and its snapshot, and only then judge the
// description, so a failed check leaves nothing behind.
const image = integ.assertions.awsApiCall('EC2', 'describeImages', {
  ImageIds: [amiId],
  Filters: [
    { Name: 'state', Values: ['available'] },
    { Name: `tag:${TAG_KEYS.bakery}`, Values: [bakery.bakeryId] },
    { Name: `tag:${TAG_KEYS.buildId}`, Values: [buildId] },
    { Name: `tag:${TAG_KEYS.recipe}`, Values: [RECIPE] },
    { Name: `tag:${TAG_KEYS.artifact}`, Values: ['true'] },
    { Name: `tag:${RECIPE_TAG.Key}`, Values: [RECIPE_TAG.Value] },
  ],
}, ['Images.0.ImageId']);
image.node.addDependency(succeeded);
const cleanedUp = image
  .next(integ.assertions.awsApiCall('EC2', 'deregisterImage', { ImageId: amiId }))
  // EC2 may call the snapshot in use for a moment after the deregistration: retried until it goes.
  .next(integ.assertions.awsApiCall('EC2', 'deleteSnapshot', { SnapshotId: snapshotId })
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15), backoffRate: 1 }));

// An image without one of the tags fails here, on its missing attribute, as a mismatch would.
const described = new EqualsAssertion(assertions, 'ImageAvailableWithBakeryTags', {
  actual: ActualResult.fromAwsApiCall(image, 'Images.0.ImageId'),
  expected: ExpectedResult.exact(amiId),
  failDeployment: true,
});
described.node.addDependency(cleanedUp);
