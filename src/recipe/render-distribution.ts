import type { DistributionOptions } from './distribution';

/** The `distribution` part of a recipe document. */
export function renderDistribution(options: DistributionOptions | undefined): Record<string, unknown> | undefined {
  if (!options) return undefined;
  const sharing = options.sharing;
  return {
    regions: options.regions,
    kmsKeyIds: options.kmsKeyIds,
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
