/**
 * The deployed handler bundles carry the AWS SDK clients they use, with only the schemas they call (see
 * scripts/pure-sdk-schemas.mjs). These tests run real bundles in their own process against a local HTTP
 * endpoint speaking EC2's query protocol and SSM's JSON protocol, so a schema the bundling dropped or
 * reordered fails here.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bakeState, ENV, IMAGE_ID, INSTANCE_ID } from './fixtures';

const ROOT = join(__dirname, '..', '..');
const bundleOf = (handler: string) => join(ROOT, 'assets', 'lambda', handler, 'index.js');
const BUNDLE = bundleOf('check-image');
const XMLNS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';

/** What the endpoint answers for each action: an HTTP status and an XML (EC2) or JSON (SSM) body. */
type Answers = Record<string, [number, string]>;

const availableImage: [number, string] = [200, `<DescribeImagesResponse ${XMLNS}><requestId>r1</requestId><imagesSet><item>`
  + `<imageId>${IMAGE_ID}</imageId><imageState>available</imageState><blockDeviceMapping>`
  + '<item><deviceName>/dev/xvda</deviceName><ebs><snapshotId>snap-0000000000000000a</snapshotId></ebs></item>'
  + '</blockDeviceMapping></item></imagesSet></DescribeImagesResponse>'];

let server: Server;
let endpoint: string;
let answers: Answers;
const received: Record<string, string>[] = [];

/** The request's action and fields: EC2's form (`Action=...`), or SSM's JSON body with the action in `X-Amz-Target`. */
async function bodyOf(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const target = request.headers['x-amz-target'];
  const signedWith = /Credential=([^/]+)\//.exec(String(request.headers.authorization))?.[1] ?? '';
  if (typeof target === 'string') return { Action: target.split('.')[1], Json: text, signedWith };
  return { ...Object.fromEntries(new URLSearchParams(text)), signedWith };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void bodyOf(request).then((form) => {
      received.push(form);
      const [status, body] = answers[form.Action] ?? [400, '<Response><Errors><Error><Code>InvalidAction</Code></Error></Errors></Response>'];
      response.writeHead(status, { 'content-type': form.Json === undefined ? 'text/xml' : 'application/x-amz-json-1.1' }).end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

beforeEach(() => {
  received.length = 0;
});

/** Runs the bundled handler in a fresh Node.js process with `state`, returning what it returned or threw. */
async function runBundle(state: object, bundle = BUNDLE): Promise<{ result?: any; error?: { name: string; message: string } }> {
  const script = 'require(process.argv[1]).handler(JSON.parse(process.argv[2])).then('
    + '(result) => console.log(JSON.stringify({ result })), '
    + '(error) => console.log(JSON.stringify({ error: { name: error.name, message: error.message } })))';
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, bundle, JSON.stringify(state)], {
    env: {
      ...ENV,
      PATH: process.env.PATH,
      NODE_NO_WARNINGS: '1',
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

/** A poll that neither expired nor is within EC2's visibility grace, whatever the clock says. */
const poll = { seconds: 15, maxSeconds: 60, budgetSeconds: 1e12, startedAt: '2000-01-01T00:00:00.000Z', done: false, attempts: 0 };

test('the bundled check-image reads an image and marks it IMDSv2-only through the SDK it carries', async () => {
  answers = {
    DescribeImages: availableImage,
    ModifyImageAttribute: [200, `<ModifyImageAttributeResponse ${XMLNS}><requestId>r2</requestId><return>true</return></ModifyImageAttributeResponse>`],
  };

  const { result, error } = await runBundle(bakeState({ imageId: IMAGE_ID, poll }));

  expect(error).toBeUndefined();
  expect(result.snapshotIds).toEqual(['snap-0000000000000000a']);
  expect(result.poll.done).toBe(true);
  expect(received.map((form) => form.Action)).toEqual(['DescribeImages', 'ModifyImageAttribute']);
  expect(received[0]).toMatchObject({ 'ImageId.1': IMAGE_ID });
  expect(received[1]).toMatchObject({ 'ImageId': IMAGE_ID, 'ImdsSupport.Value': 'v2.0' });
  expect(received.map((form) => form.signedWith)).toEqual(['AKIDEXAMPLE', 'AKIDEXAMPLE']);
}, 30_000);

test('the bundled SDK turns an EC2 error answer into the error EC2 named', async () => {
  answers = {
    DescribeImages: availableImage,
    ModifyImageAttribute: [403, '<Response><Errors><Error><Code>UnauthorizedOperation</Code>'
      + '<Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r3</RequestID></Response>'],
  };

  const { error } = await runBundle(bakeState({ imageId: IMAGE_ID, poll }));

  expect(error).toEqual({ name: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' });
}, 30_000);

test('the bundled check-image reports a failed image with the reason EC2 gave', async () => {
  answers = {
    DescribeImages: [200, `<DescribeImagesResponse ${XMLNS}><requestId>r4</requestId><imagesSet><item><imageId>${IMAGE_ID}</imageId>`
      + '<imageState>failed</imageState><stateReason><code>Client.InternalError</code><message>snapshot failed</message></stateReason>'
      + '</item></imagesSet></DescribeImagesResponse>'],
  };

  const { error } = await runBundle(bakeState({ imageId: IMAGE_ID, poll }));

  expect(error?.name).toBe('ImageCreationFailed');
  expect(error?.message).toContain('snapshot failed');
}, 30_000);

const runningInstance: [number, string] = [200, `<DescribeInstancesResponse ${XMLNS}><requestId>r5</requestId><reservationSet><item>`
  + `<reservationId>r-0123456789abcdef0</reservationId><instancesSet><item><instanceId>${INSTANCE_ID}</instanceId>`
  + '<instanceState><code>16</code><name>running</name></instanceState></item></instancesSet></item></reservationSet></DescribeInstancesResponse>'];

test('the bundled check-agent asks EC2 for the instance and SSM, over its JSON protocol, for the agent', async () => {
  answers = {
    DescribeInstances: runningInstance,
    DescribeInstanceInformation: [200, JSON.stringify({ InstanceInformationList: [{ InstanceId: INSTANCE_ID, PingStatus: 'Online' }] })],
  };

  const { result, error } = await runBundle(bakeState({ instanceId: INSTANCE_ID, poll }), bundleOf('check-agent'));

  expect(error).toBeUndefined();
  expect(result.poll.done).toBe(true);
  expect(result.provision).toMatchObject({ index: 0 });
  expect(received.map((form) => form.Action)).toEqual(['DescribeInstances', 'DescribeInstanceInformation']);
  expect(JSON.parse(received[1].Json)).toEqual({ Filters: [{ Key: 'InstanceIds', Values: [INSTANCE_ID] }] });
}, 30_000);

test('the bundled SSM client turns a JSON error answer into the error SSM named', async () => {
  answers = {
    DescribeInstances: runningInstance,
    DescribeInstanceInformation: [400, JSON.stringify({ __type: 'com.amazonaws.ssm#InvalidInstanceId', message: 'not a managed instance' })],
  };

  const { error } = await runBundle(bakeState({ instanceId: INSTANCE_ID, poll }), bundleOf('check-agent'));

  expect(error).toEqual({ name: 'InvalidInstanceId', message: 'not a managed instance' });
}, 30_000);

test('the bundle keeps only the schemas it calls and the credentials Lambda gives: the whole EC2 client alone is over 2 MB', () => {
  expect(statSync(BUNDLE).size).toBeLessThan(350 * 1024);
  const source = readFileSync(BUNDLE, 'utf8');
  expect(source).not.toContain('defaultProvider::fromSSO');
  expect(source).toContain('AWS_SESSION_TOKEN');
});

/** Runs one of the plugin's functions (an ES module, as esbuild's build script is) on `source`. */
async function pluginFunction(name: 'markSchemasPure' | 'dropServiceErrors', source: string): Promise<string> {
  const script = `const plugin = await import(process.argv[1]); process.stdout.write(plugin.${name}(process.argv[2]));`;
  const plugin = join(ROOT, 'scripts', 'pure-sdk-schemas.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, plugin, source]);
  return stdout;
}
const markSchemasPure = (source: string) => pluginFunction('markSchemasPure', source);

describe('markSchemasPure', () => {
  test('wraps each top-level var declaration, whatever its lines, and leaves other statements alone', async () => {
    const source = [
      'const _A = "Address";',
      'import { TypeRegistry } from "@smithy/core/schema";',
      'export var Address$ = [3, n0, _A,',
      '    0,',
      '    [() => Other$]',
      '];',
      'registry.registerError(Address$, AddressError);',
      'var Plain = [0, n0, _A, 8, 0];',
    ].join('\n');

    expect((await markSchemasPure(source)).split('\n')).toEqual([
      'const _A = "Address";',
      'import { TypeRegistry } from "@smithy/core/schema";',
      'export var Address$ = /* @__PURE__ */ (() => ([3, n0, _A,',
      '    0,',
      '    [() => Other$]',
      ']))();',
      'registry.registerError(Address$, AddressError);',
      'var Plain = /* @__PURE__ */ (() => ([0, n0, _A, 8, 0]))();',
    ]);
  });
});

describe('dropServiceErrors', () => {
  test('drops the registrations of the service\'s errors and keeps its base exception\'s', async () => {
    const source = [
      'const _s_registry = new TypeRegistry(_s);',
      '_s_registry.registerError(SSMServiceException$, SSMServiceException);',
      'const n0_registry = new TypeRegistry(n0);',
      'n0_registry.registerError(AccessDeniedException$, AccessDeniedException);',
      'n0_registry.registerError(Odd$, Other);',
    ].join('\n');

    expect((await pluginFunction('dropServiceErrors', source)).split('\n')).toEqual([
      'const _s_registry = new TypeRegistry(_s);',
      '_s_registry.registerError(SSMServiceException$, SSMServiceException);',
      'const n0_registry = new TypeRegistry(n0);',
      'n0_registry.registerError(Odd$, Other);',
    ]);
  });
});
