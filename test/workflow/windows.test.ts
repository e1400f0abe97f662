/**
 * Windows builds in the simulator: the platform comes from the source image, steps that do not fit it are refused
 * before launch, PowerShell steps run with AWS-RunPowerShellScript (exit 3010 restarts), staged files land on
 * Windows paths, EC2Launch's sysprep generalises the instance before it is imaged, and nothing is left behind.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { recipe } from './recipes';
import type { ImageRecord, InstanceRecord } from '../../local/model/records';
import { simulateBake } from '../../local/simulate-bake';

const EXAMPLE = join(__dirname, '../../examples/recipes/windows-iis/recipe.json');
const WINDOWS_2022 = '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base';

function windowsRecipe(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return recipe({
    name: 'win',
    source: { ssmParameter: WINDOWS_2022 },
    steps: [{ powershell: { name: 'hello', commands: ['Write-Output "hello from $env:COMPUTERNAME"'] } }],
    ...overrides,
  });
}

function fileOf(image: ImageRecord, path: string): string | undefined {
  const body = image.rootFiles?.contents.get(path);
  return body === undefined ? undefined : Buffer.from(body, 'base64').toString('utf8');
}

function bakedImage(bake: Awaited<ReturnType<typeof simulateBake>>): ImageRecord {
  return bake.account.region().images.get(bake.manifest.artifacts[0].amiId)!;
}

function buildInstance(bake: Awaited<ReturnType<typeof simulateBake>>): InstanceRecord {
  return [...bake.account.region().instances.values()][0];
}

describe('Windows builds', () => {
  test('examples/recipes/windows-iis bakes: patches, IIS, a restart, the site, a script, sysprep, a passing test; nothing is left behind', async () => {
    const bake = await simulateBake({ recipe: JSON.parse(readFileSync(EXAMPLE, 'utf8')), stageFrom: dirname(EXAMPLE) });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(bake.manifest.steps.map((step) => step.kind)).toEqual(['document', 'powershell', 'reboot', 'file', 'script', 'powershell']);
    expect(bake.manifest.steps.map((step) => step.status)).toEqual(Array(6).fill('Success'));
    expect(bake.manifest.tests?.map((test) => test.status)).toEqual(['Success']);
    const image = bakedImage(bake);
    expect(image).toMatchObject({ platform: 'windows', generalized: true });
    const site = readFileSync(join(dirname(EXAMPLE), 'files/site/index.html'), 'utf8');
    expect(fileOf(image, '/C:/inetpub/wwwroot/index.html')).toBe(site);
    expect(fileOf(image, '/C:/inetpub/wwwroot/environment.txt')?.trim()).toBe('prod');
    expect(buildInstance(bake)).toMatchObject({ instanceType: 't3.medium', platform: 'windows' });
    // The patch install and the reboot step each restarted the build instance once.
    expect(buildInstance(bake).reboots.length).toBeGreaterThanOrEqual(2);
  });

  test('the last provisioning step generalises with EC2Launch; "windows": {"sysprep": false} leaves it out', async () => {
    const generalised = await simulateBake({ recipe: windowsRecipe() });
    expect(generalised.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(generalised.manifest.steps.map((step) => step.kind)).toEqual(['powershell', 'powershell']);
    expect(bakedImage(generalised).generalized).toBe(true);

    const kept = await simulateBake({ recipe: windowsRecipe({ windows: { sysprep: false } }) });
    expect(kept.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(kept.manifest.steps.map((step) => step.kind)).toEqual(['powershell']);
    expect(bakedImage(kept).generalized).toBeUndefined();
  });

  test('exit 3010 restarts the instance and runs the step again, as the AWS document defines', async () => {
    const marker = 'C:\\ProgramData\\restarted-once';
    const bake = await simulateBake({
      recipe: windowsRecipe({
        steps: [{ powershell: { commands: [`if (Test-Path -LiteralPath '${marker}') { exit 0 }`, `$null = New-Item -ItemType File -Force -Path '${marker}'`, 'exit 3010'] } }],
        windows: { sysprep: false },
      }),
    });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(buildInstance(bake).reboots).toHaveLength(1);
  });

  test('a failing PowerShell step fails the bake with its output, and nothing is left behind', async () => {
    const bake = await simulateBake({ recipe: windowsRecipe({ steps: [{ powershell: { name: 'breaks', commands: ["throw 'IIS did not start'"] } }] }) });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'provision', step: 1 }, leakedResources: [] });
    expect(bake.manifest.error?.message).toContain('IIS did not start');
  });

  test.each([
    ['a shell step on Windows', windowsRecipe({ steps: [{ shell: { commands: ['echo hi'] } }] }),
      'steps[0].shell: the source image is Windows, and shell steps run on Linux; use a "powershell" step'],
    ['an ansible step on Windows', windowsRecipe({ steps: [{ ansible: { source: 'ansible/', playbook: 'site.yml' } }] }),
      'steps[0].ansible: Ansible cannot run on a Windows instance itself'],
    ['a POSIX mode on Windows', windowsRecipe({ steps: [{ file: { source: 's3://x/y', destination: 'C:\\app\\a.conf', mode: '0644' } }] }),
      'steps[0].file.mode: POSIX modes do not apply on Windows'],
    ['a Linux destination on Windows', windowsRecipe({ steps: [{ file: { source: 's3://x/y', destination: '/etc/a.conf' } }] }),
      'steps[0].file.destination: /etc/a.conf is not a Windows path'],
    ['a shell script on Windows', windowsRecipe({ tests: [{ script: { source: 's3://x/check.sh' } }] }),
      'tests[0].script.source: on Windows a script runs with PowerShell, so it must be a .ps1 file'],
    ['a powershell step on Linux', recipe({ steps: [{ powershell: { commands: ['Get-Date'] } }] }),
      'steps[0].powershell: the source image is Linux, and powershell steps run on Windows; use a "shell" step'],
    ['windows settings on Linux', recipe({ windows: { sysprep: false } }), 'windows: applies to Windows source images, and this one is Linux'],
  ])('%s is refused in Prepare, before anything is launched', async (_what, document, message) => {
    const bake = await simulateBake({ recipe: document });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'prepare' }, leakedResources: [] });
    expect(bake.manifest.error?.message).toContain(message);
    expect(bake.account.callCount('RunInstances')).toBe(0);
  });
});
