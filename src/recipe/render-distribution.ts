import { Token } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { DistributionOptions } from './distribution';

/** The `distribution` part of a recipe document. */
export function renderDistribution(recipeName: string, options: DistributionOptions | undefined): Record<string, unknown> | undefined {
  if (!options) return undefined;
  const sharing = options.sharing;
  return {
    regions: options.regions,
    kmsKeyIds: options.kmsKeys && copyKeysByRegion(recipeName, options.kmsKeys),
    sharing: sharing && {
      accounts: sharing.accounts,
      organizationArns: sharing.organizationArns,
      organizationalUnitArns: sharing.organizationalUnitArns,
      public: sharing.makePublic,
      allowPublic: sharing.allowPublic,
    },
    ssmParameter: options.ssmParameterName,
    ssmParameterRoles: options.ssmParameterRoles,
  };
}

/** The document's `kmsKeyIds`: each key's ARN under its region, which must be known at synth time. */
function copyKeysByRegion(recipeName: string, keys: readonly IKey[]): Record<string, string> {
  const byRegion: Record<string, string> = {};
  for (const key of keys) {
    const region = key.env.region;
    if (Token.isUnresolved(region)) {
      throw new Error(`Recipe "${recipeName}": distribution.kmsKeys: the region of key ${key.node.path} is known only at deploy time; ` +
        'import the key of each copy region with Key.fromKeyArn(\'arn:aws:kms:<region>:<account>:key/<id>\').');
    }
    if (region in byRegion) {
      throw new Error(`Recipe "${recipeName}": distribution.kmsKeys holds two keys in ${region}; give at most one key per copy region.`);
    }
    byRegion[region] = key.keyArn;
  }
  return byRegion;
}
