/** Types of handler-bundling.mjs, for the TypeScript scripts that bundle handlers. */
import type { BuildOptions, Plugin } from 'esbuild';

/** Resolves the SDK's default credential chain to its first link, the environment's credentials. */
export declare const environmentCredentials: Plugin;

/** Loads a client's package.json as its version alone. */
export declare const packageVersionOnly: Plugin;

/** esbuild options shared by every handler bundle; callers add entry points and where to write. */
export declare const HANDLER_BUILD_OPTIONS: BuildOptions;
