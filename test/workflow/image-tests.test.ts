/**
 * `tests`, `keepUntestedImage` and `onFailure` in the simulator: a test instance launched from the new image runs
 * the tests before any copy, on a filesystem the build left; a failing test removes the image (or keeps it, tagged
 * untested); `onFailure` steps run on the build instance after a provisioning step failed, before cleanup.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recipe } from './recipes';
import { simulateBake } from '../../local/simulate-bake';

const TESTS = [
  { shell: { name: 'nginx installed', commands: ['test -f /etc/baked/app.conf', 'systemctl is-active nginx'] } },
  { shell: { name: 'answers', commands: ['curl -fsS http://localhost/'] } },
];
const WRITES_CONFIG = { shell: { name: 'config', commands: ['mkdir -p /etc/baked', 'echo port=80 > /etc/baked/app.conf'] } };

function tested(overrides: Record<string, unknown> = {}) {
  const base = recipe();
  return recipe({ steps: [...base.steps as unknown[], WRITES_CONFIG], tests: TESTS, ...overrides });
}

function tagsOf(tags: Map<string, string>): Record<string, string> {
  return Object.fromEntries(tags);
}

describe('testing the image before it ships', () => {
  test('a test instance from the new image runs the tests; the image, its snapshots and copies are tagged tested=true', async () => {
    const bake = await simulateBake({ recipe: tested({ distribution: { regions: ['eu-west-1'] } }) });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(bake.manifest.tests).toEqual([
      expect.objectContaining({ step: 1, kind: 'shell', status: 'Success', exitCode: 0 }),
      expect.objectContaining({ step: 2, kind: 'shell', status: 'Success', exitCode: 0 }),
    ]);
    expect(bake.manifest.phases.map((phase) => phase.name)).toEqual(['prepare', 'launch', 'wait-for-agent', 'provision', 'stop', 'create-image', 'test', 'distribute', 'cleanup']);
    const [home, copy] = bake.manifest.artifacts;
    const image = bake.account.region().images.get(home.amiId)!;
    expect(tagsOf(image.tags)).toMatchObject({ 'cdk-ami-bakery:tested': 'true' });
    for (const snapshotId of home.snapshotIds) expect(tagsOf(bake.account.region().snapshots.get(snapshotId)!.tags)).toMatchObject({ 'cdk-ami-bakery:tested': 'true' });
    expect(tagsOf(bake.account.region('eu-west-1').images.get(copy.amiId)!.tags)).toMatchObject({ 'cdk-ami-bakery:tested': 'true' });

    const instances = [...bake.account.region().instances.values()];
    expect(instances).toHaveLength(2);
    const testInstance = instances.find((instance) => instance.imageId === home.amiId)!;
    expect(testInstance.state.valueAt(Number.MAX_SAFE_INTEGER)).toMatch(/shutting-down|terminated/);
    expect(bake.account.region('eu-west-1').images.get(copy.amiId)!.createdAt).toBeGreaterThan(testInstance.createdAt);
  });

  test('a failing test fails the bake with the test step and its output, and removes the image and its snapshots', async () => {
    const bake = await simulateBake({ recipe: tested({ distribution: { regions: ['eu-west-1'] } }), faults: ['test:2:fail'] });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'test', step: 2 }, leakedResources: [], artifacts: [] });
    expect(bake.manifest.error?.message).toMatch(/^test step 2 of 2 \(shell: answers\) ended Failed \(Failed\) with exit code 1/);
    expect(bake.manifest.tests).toEqual([expect.objectContaining({ step: 1, status: 'Success' })]);
    expect(bake.error?.name).toBe('ImageTestFailed');
    const region = bake.account.region();
    expect([...region.images.values()].filter((image) => !image.deregisteredAt && image.ownerId === bake.account.accountId)).toEqual([]);
    expect([...region.snapshots.values()].filter((snapshot) => snapshot.ownerId === bake.account.accountId && !snapshot.deletedAt)).toEqual([]);
    expect([...region.instances.values()].every((instance) => /shutting-down|terminated/.test(instance.state.valueAt(Number.MAX_SAFE_INTEGER)))).toBe(true);
    expect(bake.account.callCount('CopyImage')).toBe(0);
  });

  test('the test instance starts from what the build left: a test of a file the build never wrote fails', async () => {
    const bake = await simulateBake({ recipe: recipe({ tests: [{ shell: { name: 'config', commands: ['test -f /etc/baked/app.conf'] } }] }) });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'test', step: 1 }, leakedResources: [] });
    expect(bake.manifest.error?.message).toContain('test step 1 of 1 (shell: config) ended Failed (Failed) with exit code 1');
  });

  test('keepUntestedImage keeps the image whose test failed, tagged tested=false, never taken for a release', async () => {
    const bake = await simulateBake({ recipe: tested({ keepUntestedImage: true }), faults: ['test:1:fail'] });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'test', step: 1 }, leakedResources: [] });
    const imageId = bake.manifest.keptUntestedImage!;
    const image = bake.account.region().images.get(imageId)!;
    expect(image.deregisteredAt).toBeUndefined();
    expect(tagsOf(image.tags)).toMatchObject({ 'cdk-ami-bakery:tested': 'false' });
    // Without the artifact tag, rebuild and retention never take it for the recipe's current image.
    expect(tagsOf(image.tags)['cdk-ami-bakery:artifact']).toBeUndefined();
    for (const mapping of image.mappings) expect(bake.account.region().snapshots.get(mapping.snapshotId!)!.deletedAt).toBeUndefined();
    expect(bake.error?.cause).toContain(`The untested image ${imageId} is kept`);
  });

  test('with keepOnFailure, a failed test keeps the test instance for inspection, and the build instance goes', async () => {
    const bake = await simulateBake({ recipe: tested({ keepOnFailure: true }), faults: ['test:1:fail'] });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'test' }, leakedResources: [] });
    const instances = [...bake.account.region().instances.values()];
    const testInstance = instances.find((instance) => instance.id === bake.manifest.keptForInspection?.[0])!;
    expect(tagsOf(bake.account.region().images.get(testInstance.imageId)?.tags ?? new Map())).toMatchObject({ 'cdk-ami-bakery:recipe': 'web' });
    expect(testInstance.state.valueAt(Number.MAX_SAFE_INTEGER)).toBe('running');
    const buildInstance = instances.find((instance) => instance !== testInstance)!;
    expect(buildInstance.state.valueAt(Number.MAX_SAFE_INTEGER)).toMatch(/shutting-down|terminated/);
  });

  test('tests whose instance types cannot boot the image are refused before anything is launched', async () => {
    const bake = await simulateBake({ recipe: tested({ testInstance: { types: ['t4g.small'] } }) });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'prepare' } });
    expect(bake.manifest.error?.message).toContain('testInstance.types[0]: instance type t4g.small is arm64 but the source image is x86_64');
    expect(bake.account.callCount('RunInstances')).toBe(0);
  });
});

test('examples/recipes/nginx-tested.json bakes, passes its tests and leaves nothing behind', async () => {
  const document = JSON.parse(readFileSync(join(__dirname, '../../examples/recipes/nginx-tested.json'), 'utf8'));
  const bake = await simulateBake({ recipe: document });

  expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
  expect(bake.manifest.tests?.map((test) => test.status)).toEqual(['Success', 'Success']);
});

describe('onFailure steps', () => {
  const ON_FAILURE = [
    { shell: { name: 'collect logs', commands: ['mkdir -p /var/log/baked', 'echo collected > /var/log/baked/failure.txt'] } },
    { shell: { name: 'fails too', commands: ['exit 3'] } },
    { shell: { name: 'still runs', commands: ['echo after'] } },
  ];

  test('run on the build instance after a provisioning step failed, best effort, before cleanup; the first error stays the cause', async () => {
    const bake = await simulateBake({ recipe: recipe({ onFailure: ON_FAILURE }), faults: ['step:1:fail'] });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'provision', step: 1 }, leakedResources: [] });
    expect(bake.manifest.onFailure).toEqual([
      expect.objectContaining({ step: 1, status: 'Success', exitCode: 0 }),
      expect.objectContaining({ step: 2, status: 'Failed', exitCode: 3 }),
      expect.objectContaining({ step: 3, status: 'Success', exitCode: 0 }),
    ]);
    expect(bake.error?.name).toBe('ProvisioningStepFailed');
    const [instance] = bake.account.region().instances.values();
    expect(instance.files.has('/var/log/baked/failure.txt')).toBe(true);
  });

  test('do not run when the bake fails elsewhere', async () => {
    const bake = await simulateBake({ recipe: recipe({ onFailure: ON_FAILURE }), faults: ['image:fail'] });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'create-image' }, leakedResources: [] });
    expect(bake.manifest.onFailure).toBeUndefined();
  });
});
