import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Code } from 'aws-cdk-lib/aws-lambda';

/**
 * The bundled handler of a runner step (`assets/lambda/<step>/index.js`), found by walking up from this
 * file so it works from `src/` (tests), `lib/` (the published package) and bundled CLIs alike.
 */
export function handlerCode(step: string): Code {
  return Code.fromAsset(findAssetDir(step));
}

function findAssetDir(step: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'assets', 'lambda', step);
    if (existsSync(join(candidate, 'index.js'))) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`cdk-ami-bakery: the bundled handler for "${step}" is missing (assets/lambda/${step}/index.js). In a checkout, run "npx projen bundle:lambda".`);
    }
  }
}
