/** Types of pure-sdk-schemas.mjs, for the TypeScript scripts that use the plugin. */
import type { Plugin } from 'esbuild';

/** The module's source with every top-level `var` declaration marked as free of side effects. */
export declare function markSchemasPure(source: string): string;

/** The esbuild plugin that marks the AWS SDK's generated schemas modules. */
export declare const pureSdkSchemas: Plugin;
