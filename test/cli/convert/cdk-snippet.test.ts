/** `bakery convert --cdk` writes recipe fields with CDK's types: instance types, architectures and KMS keys. */
import { cdkSnippet } from '../../../cli/convert/cdk-snippet';
import type { RecipeDraft } from '../../../cli/convert/packer/recipe-fields';

const COPY_KEY = 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function snippetOf(document: Record<string, unknown>): string {
  const recipe = { schemaVersion: 1, name: 'web', steps: [{ reboot: {} }], ...document } as unknown as RecipeDraft;
  return cdkSnippet([{ file: 'web.json', name: 'web', document: recipe }], process.cwd());
}

test('instance types become ec2.InstanceType and a filter\'s architecture the enum', () => {
  const snippet = snippetOf({
    source: { filter: { owners: ['amazon'], name: 'al2023-ami-*', architecture: 'arm64' } },
    instance: { types: ['t4g.small', 'm7g.large'] },
  });

  expect(snippet).toContain("import { aws_ec2 as ec2 } from 'aws-cdk-lib';");
  expect(snippet).toContain("source: SourceImage.fromFilter({ owners: ['amazon'], name: 'al2023-ami-*', architecture: ec2.InstanceArchitecture.ARM_64 })");
  expect(snippet).toContain("instanceTypes: [new ec2.InstanceType('t4g.small'), new ec2.InstanceType('m7g.large')]");
});

test('keys named by ARN or alias are imported; a bare key id, or a copy key that is not an ARN, is named as not set', () => {
  const byArn = snippetOf({
    source: { ssmParameter: '/images/base' },
    ami: { kmsKeyId: 'alias/images' },
    distribution: { regions: ['eu-central-1'], kmsKeyIds: { 'eu-central-1': COPY_KEY } },
  });
  expect(byArn).toContain("kmsKey: kms.Alias.fromAliasName(bakery, 'WebKey', 'alias/images')");
  expect(byArn).toContain(`distribution: { regions: ['eu-central-1'], kmsKeys: [kms.Key.fromKeyArn(bakery, 'WebKey-eu-central-1', '${COPY_KEY}')] }`);
  expect(byArn).toContain("import { aws_kms as kms } from 'aws-cdk-lib';");

  const byId = snippetOf({
    source: { ssmParameter: '/images/base' },
    ami: { kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
    distribution: { regions: ['eu-central-1'], kmsKeyIds: { 'eu-central-1': 'alias/images' } },
  });
  expect(byId).toContain('// Not set through addRecipe: ami.kmsKeyId, distribution.kmsKeyIds; see the recipe file.');
  expect(byId).not.toMatch(/kmsKeys?: /);
});
