/**
 * Steps that bring files (`script`, `file`, `ansible`) in the simulator: the recipe's files are staged in the
 * bakery's bucket, downloaded by the bakery's own document, checked byte for byte, and used on the instance.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { recipe } from './recipes';
import { SimulatedAccount } from '../../local/model';
import { simulateBake, simulatedBakery } from '../../local/simulate-bake';
import { simulatedObjectStore } from '../../local/staging-store';
import { ProvisionStep, SourceImage } from '../../src';
import { STAGING_LOCATION_TAG } from '../../src/contract';
import { stageLocalSources } from '../../src/staging/local-sources';
import { parseStagingLocation } from '../../src/staging/staging-location';

const EXAMPLE = join(__dirname, '../../examples/recipes/web-files/recipe.json');
const EXAMPLE_DIR = dirname(EXAMPLE);
const LOCATION = parseStagingLocation(simulatedBakery().tags[STAGING_LOCATION_TAG])!;

function example(): Record<string, unknown> {
  return JSON.parse(readFileSync(EXAMPLE, 'utf8'));
}

/** An account whose staging bucket already holds the recipe's files; returns the recipe naming them by URI. */
async function stagedIn(account: SimulatedAccount, document: unknown): Promise<any> {
  return stageLocalSources(document, EXAMPLE_DIR, LOCATION, simulatedObjectStore(account, LOCATION.bucket));
}

function fileOn(bake: { account: SimulatedAccount }, path: string): string | undefined {
  const instance = [...bake.account.region().instances.values()][0];
  const body = instance.contents?.get(path);
  return body === undefined ? undefined : Buffer.from(body, 'base64').toString('utf8');
}

describe('script, file and ansible steps', () => {
  test('the example recipe bakes: its files land where the steps say, byte for byte, and nothing is left behind', async () => {
    const bake = await simulateBake({ recipe: example(), stageFrom: EXAMPLE_DIR });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(bake.manifest.steps.map((step) => step.kind)).toEqual(['document', 'script', 'file', 'file', 'ansible', 'script']);
    expect(fileOn(bake, '/etc/nginx/nginx.conf')).toBe(readFileSync(join(EXAMPLE_DIR, 'files/nginx.conf'), 'utf8'));
    expect(fileOn(bake, '/var/www/html/index.html')).toBe(readFileSync(join(EXAMPLE_DIR, 'files/site/index.html'), 'utf8'));
    const keys = bake.account.objects(LOCATION.bucket).map((object) => object.key);
    expect(keys).toContainEqual(expect.stringMatching(/^staging\/[0-9a-f]{64}\/ansible\/roles\/hardening\/tasks\/main\.yml$/));
    expect(keys.filter((key) => key.endsWith('/SHA256SUMS'))).toHaveLength(5);
  });

  test('the same files are not uploaded twice', async () => {
    const account = new SimulatedAccount();
    await stagedIn(account, example());
    const count = account.objects(LOCATION.bucket).length;
    const deploys = jest.spyOn(account, 'deployObject');

    // A registered recipe's files are deployed with the app: what is staged already is not put again.
    await simulateBake({ account, recipe: example(), stageFrom: EXAMPLE_DIR });

    expect(account.objects(LOCATION.bucket).filter((object) => !object.key.startsWith('waits/'))).toHaveLength(count);
    expect(deploys.mock.calls.filter(([bucket]) => bucket === LOCATION.bucket)).toEqual([]);
  });

  test('a staged file changed after staging fails its step with the file named, and nothing is left behind', async () => {
    const account = new SimulatedAccount();
    const staged = await stagedIn(account, example());
    const conf = account.objects(LOCATION.bucket).find((object) => object.key.endsWith('/nginx.conf'))!;
    account.invoke('s3', 'PutObject', { Bucket: LOCATION.bucket, Key: conf.key, Body: 'daemon off;\n' });

    const bake = await simulateBake({ account, recipe: staged });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'provision', step: 3 }, leakedResources: [] });
    expect(bake.manifest.error?.message).toContain('nginx.conf: FAILED');
    expect(bake.manifest.error?.message).toContain('computed checksum did NOT match');
  });

  test('a script\'s exit code fails its step unless validExitCodes accept it; exit 194 reboots and runs it again', async () => {
    const account = new SimulatedAccount();
    const bake = await simulateBake({
      account,
      stageFrom: join(__dirname, 'fixtures'),
      recipe: recipe({
        steps: [
          { script: { source: 'reboot-once.sh' } },
          { script: { source: 'exit-3.sh', validExitCodes: [0, 3] } },
          { script: { source: 'exit-3.sh' } },
        ],
      }),
    });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'provision', step: 3 }, leakedResources: [] });
    expect(bake.manifest.steps.map((step) => [step.step, step.status, step.exitCode])).toEqual([[1, 'Success', 0], [2, 'Success', 3]]);
    expect(bake.manifest.error?.message).toMatch(/^step 3 of 3 \(script\) ended Failed \(Failed\) with exit code 3/);
    expect([...account.region().instances.values()][0].reboots).toHaveLength(1);
  });

  test('a script that outruns its timeoutSeconds is stopped by SSM at that limit, not at the default hour', async () => {
    const bake = await simulateBake({
      stageFrom: join(__dirname, 'fixtures'),
      recipe: recipe({ steps: [{ script: { source: 'slow.sh', timeoutSeconds: 60 } }] }),
    });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'provision', step: 1 }, leakedResources: [] });
    expect(bake.manifest.error?.message).toMatch(/^step 1 of 1 \(script\) ended TimedOut/);
  });
});

describe('a CDK recipe with files', () => {
  test('its files deploy with the stack into the staging bucket, and a bake of the registered recipe uses them', async () => {
    const bake = await simulateBake({
      input: { recipeName: 'web' },
      configureBakery: (bakery) => bakery.addRecipe('Web', {
        recipeName: 'web',
        source: SourceImage.fromSsmParameter('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id'),
        steps: [
          ProvisionStep.script({ source: join(EXAMPLE_DIR, 'scripts/install-nginx.sh') }),
          ProvisionStep.file({ source: join(EXAMPLE_DIR, 'files/nginx.conf'), destination: '/etc/nginx/nginx.conf', mode: '0640' }),
          ProvisionStep.file({ source: join(EXAMPLE_DIR, 'files/site/'), destination: '/var/www/html', owner: 'www-data' }),
          ProvisionStep.ansible({ source: join(EXAMPLE_DIR, 'ansible/'), playbook: 'site.yml', extraVars: { env: 'prod' } }),
        ],
      }),
    });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(bake.manifest.steps.map((step) => [step.kind, step.status])).toEqual([['script', 'Success'], ['file', 'Success'], ['file', 'Success'], ['ansible', 'Success']]);
    expect(fileOn(bake, '/etc/nginx/nginx.conf')).toBe(readFileSync(join(EXAMPLE_DIR, 'files/nginx.conf'), 'utf8'));
    expect(fileOn(bake, '/var/www/html/index.html')).toBe(readFileSync(join(EXAMPLE_DIR, 'files/site/index.html'), 'utf8'));
  });
});

describe('sources Prepare refuses before anything is launched', () => {
  test('a local path in an inline document, an s3:// URI outside the staging location, and a layout that is not staged', async () => {
    const missing = `s3://${LOCATION.bucket}/staging/${'a'.repeat(64)}/setup.sh`;
    const bake = await simulateBake({
      recipe: recipe({
        steps: [
          { script: { source: 'scripts/setup.sh' } },
          { file: { source: 's3://my-bucket/app.conf', destination: '/etc/app.conf' } },
          { script: { source: missing } },
        ],
      }),
    });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'prepare' }, leakedResources: [] });
    expect(bake.account.callCount('RunInstances')).toBe(0);
    const problems = bake.manifest.error!.message.split('\n');
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^steps\[0\]\.script\.source: "scripts\/setup\.sh" is a path on your machine\. bakery build and bakery simulate upload it/),
      expect.stringMatching(/^steps\[1\]\.file\.source: s3:\/\/my-bucket\/app\.conf is not in this bakery's staging location s3:\/\/.*\/staging\//),
      `steps[2].script.source: ${missing} is not staged (no staging/${'a'.repeat(64)}/SHA256SUMS); staged files expire, so stage it again with bakery build`,
    ]));
  });

  test('a missing local file is named before the simulator stages anything', async () => {
    await expect(simulateBake({ recipe: recipe({ steps: [{ file: { source: 'files/nope.conf', destination: '/etc/nope.conf' } }] }), stageFrom: EXAMPLE_DIR }))
      .rejects.toThrow(/steps\[0\]\.file\.source: files\/nope\.conf does not exist \(looked for .*files\/nope\.conf\); paths are relative to the recipe file/);
  });
});
