export * from './ami-bakery';
export * from './recipe/recipe';
export { DistributionOptions, SharingOptions } from './recipe/distribution';
export * from './recipe/source-image';
export * from './recipe/provision-step';
