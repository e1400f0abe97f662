// How every Lambda handler is bundled, for the deployed assets (bundle-handlers.mjs) and the benchmark alike.
//
// The AWS SDK v3 clients a handler uses are bundled with it, from their ES modules, and trimmed to what a Lambda
// function needs:
// - only the schemas it calls, and none of the service's own error classes (pure-sdk-schemas.mjs);
// - credentials from the environment only: Lambda gives every function its role's credentials in
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, so the default provider chain (profiles, SSO,
//   web identity, containers, instance metadata; with their STS and SSO clients, over 100 KB) is never used;
// - of each client's package.json, only its version (for the User-Agent header).
import { pureSdkSchemas } from './pure-sdk-schemas.mjs';

const CREDENTIAL_CHAIN = /^@aws-sdk\/credential-provider-node$/;
const CLIENT_PACKAGE_JSON = /@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/** Resolves the SDK's default credential chain to its first link, the environment's credentials. */
export const environmentCredentials = {
  name: 'environment-credentials',
  setup(build) {
    build.onResolve({ filter: CREDENTIAL_CHAIN }, (args) => ({ path: args.path, namespace: 'environment-credentials', pluginData: args.resolveDir }));
    build.onLoad({ filter: /.*/, namespace: 'environment-credentials' }, (args) => ({
      contents: "export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';",
      resolveDir: args.pluginData,
      loader: 'js',
    }));
  },
};

/** Loads a client's package.json as its version alone. */
export const packageVersionOnly = {
  name: 'package-version-only',
  setup(build) {
    build.onLoad({ filter: CLIENT_PACKAGE_JSON }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const { version } = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};

/** esbuild options shared by every handler bundle; callers add entry points and where to write. */
export const HANDLER_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  mainFields: ['module', 'main'],
  plugins: [pureSdkSchemas, environmentCredentials, packageVersionOnly],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};
