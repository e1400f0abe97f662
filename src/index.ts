export * from './ami-bakery';
export * from './ami-bakery-base';
export * from './recipe/recipe';
export * from './recipe/distribution';
export * from './recipe/source-image';
export * from './recipe/provision-step';
export * from './recipe/rebuild-policy';
export * from './recipe/ad-hoc-recipes';
