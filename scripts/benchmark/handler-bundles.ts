/**
 * The handler bundles as Lambda loads them: each bundle's size, how much of it is the AWS SDK, and its cold
 * init, the time a fresh Node.js process takes to load it (median over fresh processes, as each cold start is
 * one). Bundles are measured as `npx projen bundle:lambda` wrote them to assets/lambda/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './statistics';

const ROOT = join(__dirname, '..', '..');
const BUNDLES = join(ROOT, 'assets', 'lambda');

export interface HandlerBundle {
  readonly handler: string;
  /** The bundle's size in bytes. */
  readonly bytes: number;
  /** Bytes of the bundle that come from the AWS SDK and Smithy packages. */
  readonly sdkBytes: number;
  /** Median milliseconds a fresh process takes to load the bundle. */
  readonly coldInitMs: number;
  /** The same, for the handler bundled without the SDK, loading the runtime's own client packages instead. */
  readonly runtimeSdkColdInitMs: number;
}

/** Loads one bundle in a fresh process and returns how long `require` took, in milliseconds. */
function loadOnce(file: string): number {
  const nodePath = join(ROOT, 'node_modules');
  const script = 'const t = process.hrtime.bigint(); require(process.argv[1]); '
    + 'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  const output = execFileSync(process.execPath, ['-e', script, file], {
    env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', NODE_NO_WARNINGS: '1', NODE_PATH: nodePath },
    encoding: 'utf8',
  });
  return Number(output);
}


/** Bundles the handlers as bundle-handlers.mjs does, or with the SDK left to the runtime, into `outdir`. */
async function bundle(handlers: string[], outdir: string, sdk: 'bundled' | 'runtime') {
  const { build } = await import('esbuild');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pureSdkSchemas } = require('../pure-sdk-schemas.mjs');
  const sdkOptions = sdk === 'bundled' ? { mainFields: ['module', 'main'], plugins: [pureSdkSchemas] } : { external: ['@aws-sdk/*'] };
  return build({
    entryPoints: Object.fromEntries(handlers.map((handler) => [handler, join(ROOT, 'lambda', `${handler}.ts`)])),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    write: sdk === 'runtime',
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
    ...sdkOptions,
  });
}

/** Bytes of each bundle's output that come from `@aws-sdk/*` or `@smithy/*`, by handler, from esbuild's metafile. */
async function sdkBytesByHandler(handlers: string[]): Promise<Map<string, number>> {
  const result = await bundle(handlers, '/bundles', 'bundled');
  const sizes = new Map<string, number>();
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const handler = file.replace(/^.*\//, '').replace(/\.js$/, '');
    const sdk = Object.entries(output.inputs).filter(([input]) => /node_modules\/@(aws-sdk|smithy)\//.test(input));
    sizes.set(handler, sdk.reduce((sum, [, input]) => sum + input.bytesInOutput, 0));
  }
  return sizes;
}

/** Measures every handler bundle, loading each `runs` times in fresh processes. */
export async function measureHandlerBundles(runs: number): Promise<HandlerBundle[]> {
  const handlers = readdirSync(BUNDLES).sort();
  const sdkBytes = await sdkBytesByHandler(handlers);
  const withoutSdk = mkdtempSync(join(tmpdir(), 'bakery-bundles-'));
  try {
    await bundle(handlers, withoutSdk, 'runtime');
    return handlers.map((handler) => {
      const bundled = join(BUNDLES, handler, 'index.js');
      const coldInit = (file: string) => median(Array.from({ length: runs }, () => loadOnce(file)));
      return {
        handler,
        bytes: statSync(bundled).size,
        sdkBytes: sdkBytes.get(handler) ?? 0,
        coldInitMs: coldInit(bundled),
        runtimeSdkColdInitMs: coldInit(join(withoutSdk, `${handler}.js`)),
      };
    });
  } finally {
    rmSync(withoutSdk, { recursive: true, force: true });
  }
}
