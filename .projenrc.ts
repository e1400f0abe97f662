import { awscdk, javascript, JsonFile } from 'projen';

// Folders compiled outside jsii: handlers (esbuild), the simulator, the CLI and scripts (tsx / esbuild).
const nonJsiiDirs = ['lambda', 'local', 'cli', 'examples', 'scripts'];
// They and the tests are bundled (esbuild) or run from source (tsx, ts-jest), so they resolve modules as a bundler does.
const bundlerResolution = { module: 'preserve', moduleResolution: 'bundler' };

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-ami-bakery',
  description: 'Serverless, SSH-less AMI baking for AWS CDK: Step Functions + Lambda + SSM Run Command, with a local simulator.',
  author: 'cdk-ami-bakery contributors',
  authorAddress: 'maintainers@cdk-ami-bakery.dev',
  repositoryUrl: 'https://github.com/cdk-ami-bakery/cdk-ami-bakery.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // `awscdk` lists the package on Construct Hub.
  keywords: ['awscdk', 'cdk', 'ami', 'packer', 'ec2', 'ssm', 'step-functions', 'image-builder'],
  homepage: 'https://github.com/cdk-ami-bakery/cdk-ami-bakery#readme',
  // The CLI and the handlers' tooling run on Node.js 20 and later (commander 14 is the last major for Node.js 20).
  minNodeVersion: '20.0.0',

  // Every CDK language. `npx projen package-all` builds each package where its toolchain is installed; the build
  // packs JavaScript only, and the tests generate the Python binding's code (test/packaging/jsii-targets.test.ts).
  publishToPypi: { distName: 'cdk-ami-bakery', module: 'cdk_ami_bakery' },
  publishToMaven: { javaPackage: 'dev.cdkamibakery', mavenGroupId: 'dev.cdk-ami-bakery', mavenArtifactId: 'cdk-ami-bakery' },
  publishToNuget: { dotNetNamespace: 'CdkAmiBakery', packageId: 'CdkAmiBakery' },
  publishToGo: { moduleName: 'github.com/cdk-ami-bakery/cdk-ami-bakery-go' },

  // A recent CDK: Node.js 22 Lambda runtime, Fail.causePath, and cdk-nag 3 needs >= 2.257.0.
  cdkVersion: '2.276.0',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',

  // No GitHub workflows: CI is `.ci/run`, which runs the same build a developer runs.
  github: false,
  release: false,
  // The build must not depend on a network beyond the npm registry.
  depsUpgrade: false,

  devDeps: [
    // Handlers' AWS clients. Bundled by esbuild into the Lambda assets, trimmed to what a function uses
    // (scripts/handler-bundling.mjs): a handler loads several times faster than from the runtime's own copy.
    '@aws-sdk/client-ec2',
    '@aws-sdk/client-ssm',
    // The manifest written to the `manifestBucket`, and the role assumed to write SSM parameters in other accounts.
    '@aws-sdk/client-s3',
    '@aws-sdk/client-sts',
    // The one credential provider the handler bundles carry: Lambda gives a function its role's credentials in its
    // environment, so the default chain (profiles, SSO, web identity, instance metadata) is left out of the bundles.
    '@aws-sdk/credential-provider-env',
    // Structured JSON logs with the build id as a persistent key; bundled into each handler.
    '@aws-lambda-powertools/logger',
    // The recipe document schema: typed, exact per-field messages, and JSON Schema export.
    'zod@^4',
    // Bundles the handlers at build time; no Docker anywhere.
    'esbuild',
    // Runs the CLI and the simulator straight from TypeScript sources in a checkout.
    'tsx',
    // Executes the synthesized state machine definition locally (the simulator's engine).
    'aws-local-stepfunctions@3.0.0',
    // The AWS SDK's own building blocks, already installed with its clients: the simulator runs the SDK's retry
    // middleware and strategies above its answers, so handlers retry there as they do on AWS, and the CLI reads
    // profiles with the SDK's own shared-config loader.
    '@smithy/core@^3.41.1',
    // The simulator's virtual clock: fakes Date and timers so a 6-minute bake runs in a second.
    '@sinonjs/fake-timers',
    '@types/sinonjs__fake-timers',
    // Handler tests, and the CLI tests' AWS (preloaded into the CLI's process): mocked SDK v3 clients and jest matchers.
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    // AWS Solutions checks over the example stack, with a written reason for every suppression.
    'cdk-nag',
    // The integration test (test/integ.bake.ts) that bakes an image in an account; its snapshot is checked in every test run.
    // The newest alpha the registry has (its peers: aws-cdk-lib ^2.245.0); 2.276.0-alpha.0 once it is published.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // Evaluates the synthesized runner policies as IAM would (tag conditions, PassRole) without an account.
    '@cloud-copilot/iam-simulate',
    // The `bakery` CLI. All of these are bundled into bin/bakery.js, so the published package gains no dependency.
    // Commands, options, --help and usage errors (14: the last major that runs on Node.js 20).
    'commander@^14',
    // Colours in the CLI's output, off when stdout is not a terminal or NO_COLOR is set.
    'picocolors',
    // Starts, follows, lists and stops bakes (executions of the bakery's state machine), and finds that state machine by its tag.
    '@aws-sdk/client-sfn',
    // `bakery logs`: the provisioning commands' full output from the bakery's command-output log group.
    '@aws-sdk/client-cloudwatch-logs',
    // `bakery convert`: Packer's HCL2 templates parsed by a real HCL grammar, with every block and attribute in
    // order and with its line (the JSON converters group blocks by type and drop lines). WebAssembly, so no native
    // build; the two .wasm files are copied beside bin/bakery.js.
    'web-tree-sitter@0.25.10',
    '@tree-sitter-grammars/tree-sitter-hcl@1.2.0',
    // `bakery convert` of legacy JSON templates: VS Code's JSON parser keeps each value's offset, so the report
    // and every error name the line (JSON.parse keeps none).
    'jsonc-parser@^3.3.1',
  ],

  // Every test mirrors a source folder; handlers and the simulator are tested from source.
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Simulated bakes that name no start time start at one fixed moment: no test depends on today's date.
      setupFiles: ['<rootDir>/test/setup/simulation-start.ts'],
      // Synthesizing stacks and running bakes is heavier than a unit test.
      testTimeout: 60_000,
    },
  },
  tsconfigDev: { compilerOptions: { module: bundlerResolution.module, moduleResolution: javascript.TypeScriptModuleResolution.BUNDLER } },
  eslintOptions: {
    dirs: ['src', ...nonJsiiDirs],
    // Handlers' libraries are devDependencies: esbuild bundles them, the published package never loads them.
    devdirs: ['test', 'projenrc', ...nonJsiiDirs],
  },
  gitignore: ['/assets/', '/bin/', '/cdk.out/', '*.bakery-state.json'],
  // bin/ holds the bundled CLI (made at build time); its one entry is declared below.
  autoDetectBin: false,
  npmignoreEnabled: true,
});

// jsii compiles src/ only. Each other folder gets a tsconfig of its own so that ESLint's project service
// and the `typecheck` task see its files with the same compiler settings.
for (const dir of nonJsiiDirs) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '..', ...bundlerResolution }, include: ['**/*.ts'] },
  });
}
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the handlers, the simulator, the CLI, the examples and the tests (jsii checks src/)',
  exec: [...nonJsiiDirs, 'test'].map((dir) => `tsc --noEmit -p ${dir}`).join(' && '),
});
project.testTask.spawn(typecheck);

// Handlers are bundled into `assets/lambda/<step>/index.js` before anything compiles or tests,
// because the construct loads them with `Code.fromAsset` at synth time.
const bundleHandlers = project.addTask('bundle:lambda', {
  description: 'Bundle every Lambda handler with esbuild into assets/lambda/<step>/index.js',
  exec: 'node scripts/bundle-handlers.mjs',
});
project.preCompileTask.spawn(bundleHandlers);
project.testTask.prependSpawn(bundleHandlers);

// The `bakery` CLI ships as the package's bin: one esbuild bundle with everything but the peer dependencies,
// so installing the package installs no dependency for it (`npx bakery ...`).
const bundleCli = project.addTask('bundle:cli', {
  description: 'Bundle the bakery CLI with esbuild into bin/bakery.js',
  exec: 'node scripts/bundle-cli.mjs',
});
project.preCompileTask.spawn(bundleCli);
project.addBins({ bakery: 'bin/bakery.js' });

// `npm run --silent bakery -- <command>` runs the CLI from a checkout; `npm run demo` bakes the
// example recipe in the simulator. Both bundle the handlers first when they are missing or stale.
project.package.setScript('bakery', 'node scripts/bundle-handlers.mjs --if-stale && tsx cli/bakery.ts');
project.package.setScript('demo', 'npm run --silent bakery -- simulate examples/recipes/nginx.json');

project.addTask('benchmark', {
  description: 'Bake the example recipes under the bakery\'s and a Packer-like waiter policy; measure handler bundles and cold init',
  exec: 'node scripts/bundle-handlers.mjs --if-stale && tsx scripts/benchmark.ts',
});

project.addTask('docs:recipe-reference', {
  description: 'Write docs/recipe-reference.md and docs/recipe.schema.json from the recipe schema (a test fails while they are stale)',
  exec: 'tsx scripts/recipe-reference.ts',
});

// integ-runner cannot read this aws-cdk-lib's cloud assemblies yet (schema 55; the newest integ-runner on the registry
// reads 53), so the integration tests' snapshots are written and compared by our own code (test/integ/).
project.addTask('integ:update', {
  description: 'Write the snapshots of the integration tests (test/integ.*.ts.snapshot/), which a test compares; takes test files',
  exec: 'node scripts/bundle-handlers.mjs --if-stale && tsx test/integ/integ-snapshot.ts',
  receiveArgs: true,
});

project.addTask('fault-matrix', {
  description: 'Run every fault scenario in the simulator: status, failure phase and leaks for each, then a summary line',
  exec: 'node scripts/bundle-handlers.mjs --if-stale && tsx scripts/fault-matrix.ts',
});

project.addTask('load-test', {
  description: 'Bake the example recipes 100 times at once in one simulated account with AWS rate limits; fails on any failure or leak',
  exec: 'node scripts/bundle-handlers.mjs --if-stale && tsx scripts/load-test.ts',
  receiveArgs: true,
});

// The package carries what a user runs: lib/ (the construct), assets/ (the handler bundles), bin/ (the CLI) and the
// docs. The folders built into them (and their tsconfig.json files) stay in the checkout.
project.npmignore?.exclude('/scripts/', '/local/', '/cli/', '/examples/', '/lambda/', '/.ci/');
project.npmignore?.include('/assets/', '/bin/');
// ... and a package.json without `scripts` and `jest`, which are for a checkout (scripts/pack-manifest.mjs).
project.package.setScript('prepack', 'node scripts/pack-manifest.mjs strip');
project.package.setScript('postpack', 'node scripts/pack-manifest.mjs restore');

// `npx projen build` packs JavaScript on any machine; `npx projen package-all` also builds the Python, Java, .NET
// and Go packages, each where its toolchain is installed.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

project.synth();
