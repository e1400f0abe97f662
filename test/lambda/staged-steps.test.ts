/**
 * `script`, `file` and `ansible` steps in the handlers: Prepare checks each source is staged and reads a
 * script's first bytes; the step sends the bakery's staged-files document with a script that checks every
 * file before it uses it.
 */
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListCommandInvocationsCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { awsError, bakeState, BUILD_ID, buildContext, freezeTime, INSTANCE_ID, recipe, registered, serveCatalog, setEnv, SOURCE_AMI } from './fixtures';
import { handler as prepare } from '../../lambda/prepare';
import { handler as runStep } from '../../lambda/run-step';
import type { ProvisioningStep } from '../../lambda/shared/recipe-schema';

const ec2Mock = mockClient(EC2Client);
const s3Mock = mockClient(S3Client);
const ssmMock = mockClient(SSMClient);

const BUCKET = 'bakery-staging';
const HASH = 'a'.repeat(64);
const DOCUMENT = 'cdk-ami-bakery-bakery-test-staged-files';
const uri = (entry: string) => `s3://${BUCKET}/staging/${HASH}/${entry}`;
/** A GetObject body as the SDK gives it, for the one call the handlers make on it. */
const body = (text: string) => ({ transformToString: async () => text }) as any;

function givenLayout(files: Record<string, string>): void {
  const sums = Object.keys(files).map((file) => `${'b'.repeat(64)}  ${file}\n`).join('');
  s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: `staging/${HASH}/SHA256SUMS` }).callsFake(() => ({ Body: body(sums) }));
  for (const [file, text] of Object.entries(files)) {
    s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: `staging/${HASH}/${file}`, Range: 'bytes=0-1' }).callsFake(() => ({ Body: body(text.slice(0, 2)) }));
  }
}

beforeEach(() => {
  ec2Mock.reset();
  s3Mock.reset();
  serveCatalog(s3Mock);
  ssmMock.reset();
  setEnv();
  Object.assign(process.env, { STAGING_LOCATION: `s3://${BUCKET}/staging/`, STAGED_FILES_DOCUMENT: DOCUMENT });
  freezeTime();
  ec2Mock.on(DescribeImagesCommand, { ImageIds: [SOURCE_AMI] }).resolves({
    Images: [{ ImageId: SOURCE_AMI, Name: 'ubuntu', State: 'available', Architecture: 'x86_64', RootDeviceName: '/dev/sda1' }],
  });
  ec2Mock.on(DescribeImagesCommand, { Owners: ['self'] }).resolves({ Images: [] });
  s3Mock.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));
  ssmMock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
});

afterEach(() => jest.useRealTimers());

describe('Prepare', () => {
  test('notes which staged scripts have a #! line, from their first two bytes', async () => {
    givenLayout({ 'setup.sh': '#!/bin/bash\necho hi', 'plain.sh': 'echo hi' });
    const steps: ProvisioningStep[] = [{ script: { source: uri('plain.sh') } }, { script: { source: uri('setup.sh') } }];

    const state = await prepare({ input: registered(s3Mock, recipe({ steps })), executionName: BUILD_ID });

    expect(state.build?.scriptsWithShebang).toEqual(['steps[1]']);
  });

  test('a playbook the staged folder does not hold, and a script its layout does not hold, are named', async () => {
    givenLayout({ 'ansible/site.yml': '- hosts: all', 'ansible/roles/x/tasks/main.yml': '' });
    const steps: ProvisioningStep[] = [
      { ansible: { source: uri('ansible/'), playbook: 'deploy.yml' } },
      { script: { source: uri('setup.sh') } },
    ];

    await expect(prepare({ input: registered(s3Mock, recipe({ steps })), executionName: BUILD_ID })).rejects.toMatchObject({
      name: 'InvalidRecipe',
      message: 'steps[0].ansible.playbook: deploy.yml is not in ansible/; it holds ansible/site.yml, ansible/roles/x/tasks/main.yml\n'
        + 'steps[1].script.source: the staged layout holds no setup.sh',
    });
  });
});

describe('run-step', () => {
  function sent(step: ProvisioningStep, scriptsWithShebang: string[] = []) {
    const build = buildContext({ recipe: recipe({ steps: [step] }), scriptsWithShebang });
    return runStep(bakeState({ build, instanceId: INSTANCE_ID, provision: { index: 0, count: 1, results: [] } }))
      .then(() => ssmMock.commandCalls(SendCommandCommand)[0].args[0].input);
  }

  test('a script: the staged-files document downloads the layout, the files are checked, then the script runs with its arguments', async () => {
    const input = await sent({ script: { source: uri('plain.sh'), args: ['--level', "it's 2"], environment: { PORT: '80' }, timeoutSeconds: 600 } });

    expect(input.DocumentName).toBe(DOCUMENT);
    const directory = `/var/lib/cdk-ami-bakery/staging/${HASH}`;
    expect(input.Parameters).toEqual({
      sourceUrl: [`https://s3.eu-west-1.amazonaws.com/${BUCKET}/staging/${HASH}/`],
      downloadDirectory: [directory],
      commands: [
        'set -e',
        `cd ${directory}`,
        `if [ ! -f SHA256SUMS ] && [ -f ${HASH}/SHA256SUMS ]; then cp -R ${HASH}/. .; fi`,
        `echo '${HASH}  SHA256SUMS' > ${directory}.sha256`,
        `sha256sum --check --quiet ${directory}.sha256`,
        'sha256sum --check --quiet SHA256SUMS',
        `chmod +x ${directory}/plain.sh`,
        "export PORT='80'",
        `bash ${directory}/plain.sh '--level' 'it'\\''s 2'`,
      ],
      executionTimeout: ['600'],
    });
  });

  test('a script with a #! line runs by its path; a file is installed with its owner and mode; a folder is copied', async () => {
    const script = await sent({ script: { source: uri('setup.sh') } }, ['steps[0]']);
    ssmMock.resetHistory();
    const file = await sent({ file: { source: uri('nginx.conf'), destination: '/etc/nginx/', owner: 'root:adm', mode: '0640' } });
    ssmMock.resetHistory();
    const folder = await sent({ file: { source: uri('site/'), destination: '/var/www/html', owner: 'www-data', mode: '0644' } });

    const directory = `/var/lib/cdk-ami-bakery/staging/${HASH}`;
    expect(script.Parameters!.commands!.at(-1)).toBe(`${directory}/setup.sh`);
    expect(file.Parameters!.commands!.at(-1)).toBe(`install -D -o root -g adm -m 0640 ${directory}/nginx.conf '/etc/nginx/nginx.conf'`);
    // Owner and mode go to the copied files only, not to what /var/www/html held before.
    expect(folder.Parameters!.commands!.slice(-5)).toEqual([
      "mkdir -p '/var/www/html'",
      `cp -R ${directory}/site/. '/var/www/html'/`,
      `cd ${directory}/site/`,
      "find . -mindepth 1 -exec chown -h www-data '/var/www/html'/{} \\;",
      "find . -mindepth 1 -type f -exec chmod 0644 '/var/www/html'/{} \\;",
    ]);
  });

  test('an ansible step installs Ansible when missing and plays the playbook locally with the extra variables as JSON', async () => {
    const input = await sent({ ansible: { source: uri('ansible/'), playbook: 'site.yml', extraVars: { env: 'prod', replicas: 2 } } });

    const directory = `/var/lib/cdk-ami-bakery/staging/${HASH}`;
    expect(input.Parameters!.commands!.slice(-3)).toEqual([
      `printf '%s' '{"env":"prod","replicas":2}' > ${directory}/extra-vars.json`,
      `cd ${directory}/ansible/`,
      `ansible-playbook -i 'localhost,' -c local -e @${directory}/extra-vars.json 'site.yml'`,
    ]);
  });
});
