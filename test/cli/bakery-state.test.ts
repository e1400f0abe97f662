import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** Runs the CLI exactly as the README does: `npm run --silent bakery -- <args>`. */
function bakery(...args: string[]) {
  const result = spawnSync('npm', ['run', '--silent', 'bakery', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const lines = result.stdout.trim().split('\n');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, lastLine: lines[lines.length - 1] };
}

/** The same, without waiting: several runs at once. */
function bakeryInBackground(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'bakery', '--', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The start time in a default build id (`<recipe>-YYYYMMDDHHMMSS-xxxx`). */
function stampOf(buildId: string): number {
  const [, y, mo, d, h, mi, sec] = /-(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)-[0-9a-f]{4}$/.exec(buildId)!;
  return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}Z`);
}

function stateFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'bakery-cli-state-')), 'dev.bakery-state.json');
}

describe('bakery simulate --state', () => {
  test('two bakes in a row: the second sees the first; the inventory lists both AMIs, every snapshot, no live instance', () => {
    const state = stateFile();
    const first = bakery('simulate', 'examples/recipes/nginx.json', '--json', '--state', state);
    // With --json the progress is on stderr, and stdout is the manifest alone.
    expect(first.stderr).toContain('SUCCEEDED in ');
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(first.code).toBe(0);
    expect(existsSync(state)).toBe(true);
    const firstManifest = JSON.parse(first.lastLine);

    const second = bakery('simulate', 'examples/recipes/nginx.json', '--json', '--state', state);
    expect(second.stderr).toContain('SUCCEEDED in ');
    expect(second.code).toBe(0);
    const secondManifest = JSON.parse(second.lastLine);
    expect(secondManifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(secondManifest.buildId).not.toBe(firstManifest.buildId);

    const run = bakery('simulate', '--state', state, '--inventory');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const inventory = JSON.parse(run.lastLine);
    const artifacts = [firstManifest.artifacts[0], secondManifest.artifacts[0]];
    expect(inventory.images.map((image: any) => image.imageId)).toEqual(artifacts.map((a) => a.amiId));
    expect(new Set(artifacts.map((a) => a.amiId)).size).toBe(2);
    expect(inventory.images.map((image: any) => image.tags['cdk-ami-bakery:build-id'])).toEqual([firstManifest.buildId, secondManifest.buildId]);
    expect(inventory.snapshots.map((s: any) => s.snapshotId).sort()).toEqual(artifacts.flatMap((a) => a.snapshotIds).sort());
    expect(inventory.instances).toHaveLength(2);
    expect(inventory.instances.filter((i: any) => !['shutting-down', 'terminated'].includes(i.state))).toEqual([]);
    // The second bake started where the first one's virtual time ended.
    const firstSeconds = firstManifest.phases.reduce((sum: number, phase: any) => sum + phase.seconds, 0);
    expect((stampOf(secondManifest.buildId) - stampOf(firstManifest.buildId)) / 1000).toBeGreaterThanOrEqual(firstSeconds - 5);
    expect(JSON.parse(readFileSync(state, 'utf8')).version).toBe(1);
  });

  test('rebuild whenSourceChanges: the second bake from the same source and recipe is SKIPPED and launches nothing; a changed recipe bakes', () => {
    const state = stateFile();
    const document = { ...JSON.parse(readFileSync(join(ROOT, 'examples/recipes/nginx.json'), 'utf8')), rebuild: 'whenSourceChanges' };
    const recipePath = join(mkdtempSync(join(tmpdir(), 'bakery-cli-rebuild-')), 'nginx.json');
    writeFileSync(recipePath, JSON.stringify(document));
    const first = JSON.parse(bakery('simulate', recipePath, '--json', '--state', state).lastLine);

    const again = bakery('simulate', recipePath, '--state', state, '--json');
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/^SKIPPED after .*nothing launched: the newest image of recipe "nginx", ami-/m);
    expect(JSON.parse(again.lastLine)).toMatchObject({ status: 'SKIPPED', artifacts: [{ amiId: first.artifacts[0].amiId }] });
    const afterSkip = JSON.parse(bakery('simulate', '--state', state, '--inventory').lastLine);
    expect(afterSkip.instances).toHaveLength(1);

    writeFileSync(recipePath, JSON.stringify({ ...document, ami: { ...document.ami, tags: { ...document.ami.tags, patched: 'yes' } } }));
    const changed = JSON.parse(bakery('simulate', recipePath, '--json', '--state', state).lastLine);
    expect(changed.status).toBe('SUCCEEDED');
    expect(changed.artifacts[0].amiId).not.toBe(first.artifacts[0].amiId);
  });

  test('--inventory prints one JSON line with the documented fields; the public catalog is left out', () => {
    const state = stateFile();
    expect(bakery('simulate', 'examples/recipes/nginx.json', '--json', '--state', state, '--fault', 'step:2:fail').code).toBe(1);
    const run = bakery('simulate', '--state', state, '--inventory');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const inventory = JSON.parse(run.stdout);
    expect(Object.keys(inventory)).toEqual(['images', 'snapshots', 'instances', 'parameters']);
    expect(inventory.images).toEqual([]);
    expect(inventory.instances).toEqual([expect.objectContaining({ region: 'us-east-1', instanceId: expect.stringMatching(/^i-/), state: expect.any(String) })]);
    for (const instance of inventory.instances) expect(Object.keys(instance).sort()).toEqual(['instanceId', 'region', 'state', 'tags']);
    expect(inventory.instances[0].tags).toMatchObject({ 'cdk-ami-bakery:recipe': 'nginx' });
    expect(inventory.parameters.filter((p: any) => p.name.startsWith('/aws/service/'))).toEqual([]);

    const bake = bakery('simulate', 'examples/recipes/nginx.json', '--json', '--state', state);
    expect(bake.code).toBe(0);
    const after = JSON.parse(bakery('simulate', '--state', state, '--inventory').lastLine);
    expect(after.images).toHaveLength(1);
    expect(Object.keys(after.images[0]).sort()).toEqual(['deprecationTime', 'imageId', 'launchPermissions', 'name', 'region', 'snapshotIds', 'state', 'tags']);
    expect(after.images[0]).toMatchObject({ region: 'us-east-1', state: 'available', deprecationTime: null, launchPermissions: [] });
    expect(after.snapshots.every((s: any) => Object.keys(s).sort().join() === 'region,snapshotId,tags')).toBe(true);
    expect(after.images.every((i: any) => !i.name.startsWith('ubuntu/'))).toBe(true);
  });

  test('--inventory of a file that does not exist is an error naming it; --inventory needs --state and no recipe', () => {
    const missing = stateFile();
    const fresh = bakery('simulate', '--state', missing, '--inventory');
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toContain(`no simulated account state at ${missing} yet; bake into it first`);
    expect(fresh.stdout).toBe('');

    const noState = bakery('simulate', '--inventory');
    expect(noState.code).toBe(2);
    expect(noState.stderr).toContain('--inventory needs --state FILE');
    const withRecipe = bakery('simulate', 'examples/recipes/nginx.json', '--state', stateFile(), '--inventory');
    expect(withRecipe.code).toBe(2);
    expect(withRecipe.stderr).toContain('--inventory takes no recipe file');
  });

  test('two runs at once on one state file take turns: neither bake is lost', async () => {
    const state = stateFile();
    const runs = await Promise.all([1, 2].map(() => bakeryInBackground('simulate', 'examples/recipes/nginx.json', '--json', '--state', state)));

    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    const amis = runs.map((run) => JSON.parse(run.stdout.trim().split('\n').pop()!).artifacts[0].amiId);
    const inventory = JSON.parse(bakery('simulate', '--state', state, '--inventory').stdout);
    expect(inventory.images.map((image: any) => image.imageId).sort()).toEqual([...amis].sort());
    expect(existsSync(`${state}.lock`)).toBe(false);
  }, 240_000);

  test('a state file that is not a saved account is refused before the bake starts', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'bakery-cli-state-')), 'bad.bakery-state.json');
    writeFileSync(bad, '[]');
    const run = bakery('simulate', 'examples/recipes/nginx.json', '--state', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot load simulated account state ${bad}`);
    expect(run.stdout).toBe('');
  });

  test('the usage text documents --state and --inventory', () => {
    const run = bakery('help');
    expect(run.stdout).toContain('--state FILE');
    expect(run.stdout).toContain('simulate --state FILE --inventory');
  });
});

describe('bakery --simulate FILE takes the options bakery simulate takes', () => {
  test('--fault and --seed shape the run\'s simulated account: a failing step fails the followed build, and nothing is left', () => {
    const state = join(mkdtempSync(join(tmpdir(), 'bakery-sim-')), 'dev.bakery-state.json');

    const failed = bakery('--simulate', state, '--speed', '100000', '--fault', 'step:2:fail', '--seed', '7', '--json',
      'build', 'examples/recipes/nginx.json', '--follow');

    expect(failed.code).toBe(1);
    const finished = JSON.parse(failed.lastLine);
    expect(finished).toMatchObject({ event: 'finished', status: 'FAILED', error: 'ProvisioningStepFailed' });
    expect(finished.cause).toContain('failed in provision (step 2)');
    expect(finished.cause).toContain('fault rule step:2:fail');
    expect(finished.manifest.leakedResources).toEqual([]);
    // Faults belong to a run: the next run on the same file bakes without them.
    const next = bakery('--simulate', state, '--speed', '100000', '--json', 'build', 'examples/recipes/nginx.json', '--follow');
    expect(JSON.parse(next.lastLine)).toMatchObject({ event: 'finished', status: 'SUCCEEDED' });
  }, 180_000);

  test('a fault rule that does not parse, or --fault without --simulate, is a usage error', () => {
    const state = join(mkdtempSync(join(tmpdir(), 'bakery-sim-')), 'dev.bakery-state.json');
    const bad = bakery('--simulate', state, '--fault', 'step:two:fail', 'list');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bakery: Invalid fault rule 'step:two:fail'.*\nhint: bakery simulate --help lists the fault rules\n$/);
    const withoutSimulate = bakery('--fault', 'step:1:fail', 'list');
    expect(withoutSimulate.code).toBe(2);
    expect(withoutSimulate.stderr).toBe('bakery: --fault and --seed apply to a simulated account\nhint: add --simulate FILE, or bake a recipe file with bakery simulate\n');
  });
});
