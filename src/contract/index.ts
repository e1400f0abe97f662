/**
 * The contract between the construct (`src/`), the handlers (`lambda/`), the simulator (`local/`) and the CLI
 * (`cli/`): step and phase names, tag keys, environment variable names, the error names Retry and Catch match,
 * and the defaults they must agree on. Every folder imports these from here; none restates them. This module
 * imports nothing, so the handler bundles carry only these names.
 */
export * from './defaults';
export * from './environment';
export * from './errors';
export * from './steps';
export * from './tags';
export * from './known-fields';
