/**
 * The handler bundles as Lambda loads them: each bundle's size, how much of it is the AWS SDK, and its cold
 * init, the time a fresh Node.js process takes to load it (median over fresh processes, as each cold start is
 * one). Each handler is bundled here as scripts/bundle-handlers.mjs bundles it, and again with the AWS SDK left
 * out, loading the installed client packages instead, as a handler relying on the Lambda runtime's SDK would.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './statistics';

const ROOT = join(__dirname, '..', '..');

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

/**
 * Loads one bundle in a fresh process and returns how long `require` took, in milliseconds. Bundles are loaded from a
 * temporary folder: a bundled one finds no packages there, so one that still needed an installed package would fail.
 */
function loadOnce(file: string, nodePath?: string): number {
  const script = 'const t = process.hrtime.bigint(); require(process.argv[1]); '
    + 'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  const output = execFileSync(process.execPath, ['-e', script, file], {
    env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', NODE_NO_WARNINGS: '1', ...(nodePath ? { NODE_PATH: nodePath } : {}) },
    encoding: 'utf8',
  });
  return Number(output);
}

/** Bundles the handlers as bundle-handlers.mjs does, or with the SDK left to the runtime, into `outdir`. */
async function bundle(handlers: string[], outdir: string, sdk: 'bundled' | 'runtime') {
  const { build } = await import('esbuild');
  const { HANDLER_BUILD_OPTIONS } = await import('../handler-bundling.mjs');
  const sdkOptions = sdk === 'bundled' ? {} : { external: ['@aws-sdk/*'], mainFields: ['main', 'module'], plugins: [] };
  return build({
    ...HANDLER_BUILD_OPTIONS,
    ...sdkOptions,
    entryPoints: Object.fromEntries(handlers.map((handler) => [handler, join(ROOT, 'lambda', `${handler}.ts`)])),
    outdir,
    metafile: true,
    logLevel: 'error',
  });
}

/** Bytes of a bundle's output that come from `@aws-sdk/*` or `@smithy/*`, from esbuild's metafile. */
function sdkBytesOf(inputs: Record<string, { bytesInOutput: number }>): number {
  return Object.entries(inputs)
    .filter(([input]) => /node_modules\/@(aws-sdk|smithy)\//.test(input))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
}

/** Measures every handler, bundled as deployed and with the runtime's SDK, loading each `runs` times in fresh processes. */
export async function measureHandlerBundles(runs: number): Promise<HandlerBundle[]> {
  const handlers = readdirSync(join(ROOT, 'lambda')).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3)).sort();
  const folder = mkdtempSync(join(tmpdir(), 'bakery-bundles-'));
  try {
    const deployed = await bundle(handlers, join(folder, 'bundled'), 'bundled');
    await bundle(handlers, join(folder, 'runtime'), 'runtime');
    const coldInit = (file: string, nodePath?: string) => median(Array.from({ length: runs }, () => loadOnce(file, nodePath)));
    return handlers.map((handler) => {
      const output = Object.entries(deployed.metafile.outputs).find(([file]) => file.endsWith(`/${handler}.js`))![1];
      return {
        handler,
        bytes: output.bytes,
        sdkBytes: sdkBytesOf(output.inputs),
        coldInitMs: coldInit(join(folder, 'bundled', `${handler}.js`)),
        runtimeSdkColdInitMs: coldInit(join(folder, 'runtime', `${handler}.js`), join(ROOT, 'node_modules')),
      };
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
