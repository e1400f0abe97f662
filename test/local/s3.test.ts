import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchBucket, NoSuchKey, PutObjectCommand, S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { SdkWorld, sdkWorld } from './sdk-helpers';
import { SimulatedAccount } from '../../local/model';
import { attachSimulator } from '../../local/sdk-bridge';

let world: SdkWorld;
let client: S3Client;

beforeEach(() => {
  world = sdkWorld();
  world.account.createBucket('bakery-manifests');
  client = world.s3();
});
afterEach(() => world.restore());

const BUCKET = 'bakery-manifests';

function put(key: string, body: string | Uint8Array, contentType?: string) {
  return world.settle(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: contentType })));
}

test('PutObject then GetObject: the body reads like the SDK\'s stream, once; the content type is kept', async () => {
  const manifest = JSON.stringify({ buildId: 'b-1', amis: { 'us-east-1': 'ami-0123456789abcdef0' } });
  const put1 = await put('web/b-1.json', manifest, 'application/json');
  expect(put1.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  const got = await world.settle(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'web/b-1.json' })));
  expect(got).toMatchObject({ ContentType: 'application/json', ContentLength: manifest.length, ETag: put1.ETag, $metadata: { httpStatusCode: 200 } });
  expect(got.LastModified!.getTime()).toBeLessThanOrEqual(Date.now());
  expect(JSON.parse(await got.Body!.transformToString())).toEqual({ buildId: 'b-1', amis: { 'us-east-1': 'ami-0123456789abcdef0' } });
  await expect(got.Body!.transformToString()).rejects.toThrow('The stream has already been transformed.');
});

test('bytes in, bytes out; objects without a content type are binary/octet-stream', async () => {
  await put('blob', new Uint8Array([0, 1, 2, 255]));
  await put('buffer', Buffer.from('héllo', 'utf8'));
  const blob = await world.settle(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'blob' })));
  expect(blob.ContentType).toBe('binary/octet-stream');
  expect([...await blob.Body!.transformToByteArray()]).toEqual([0, 1, 2, 255]);
  const buffer = await world.settle(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'buffer' })));
  expect(await buffer.Body!.transformToString()).toBe('héllo');
  expect(world.account.objects(BUCKET).map((o) => [o.key, o.body])).toEqual([['blob', '\u0000\u0001\u0002\ufffd'], ['buffer', 'héllo']]);
});

test('ListObjectsV2 lists by prefix, groups by delimiter and pages with continuation tokens', async () => {
  for (const key of ['web/b-2.json', 'web/b-1.json', 'db/b-3.json', 'web/old/b-0.json']) await put(key, key);
  const list = (input: object) => world.settle(client.send(new ListObjectsV2Command({ Bucket: BUCKET, ...input })));

  const web = await list({ Prefix: 'web/' });
  expect(web.Contents!.map((o) => o.Key)).toEqual(['web/b-1.json', 'web/b-2.json', 'web/old/b-0.json']);
  expect(web).toMatchObject({ KeyCount: 3, IsTruncated: false, Name: BUCKET, Prefix: 'web/' });
  expect(web.Contents![0]).toMatchObject({ Size: 'web/b-1.json'.length, StorageClass: 'STANDARD' });

  const grouped = await list({ Prefix: 'web/', Delimiter: '/' });
  expect(grouped.Contents!.map((o) => o.Key)).toEqual(['web/b-1.json', 'web/b-2.json']);
  expect(grouped.CommonPrefixes).toEqual([{ Prefix: 'web/old/' }]);

  const first = await list({ MaxKeys: 2 });
  expect(first.Contents!.map((o) => o.Key)).toEqual(['db/b-3.json', 'web/b-1.json']);
  expect(first.IsTruncated).toBe(true);
  const rest = await list({ MaxKeys: 2, ContinuationToken: first.NextContinuationToken });
  expect(rest.Contents!.map((o) => o.Key)).toEqual(['web/b-2.json', 'web/old/b-0.json']);
  expect(rest).toMatchObject({ IsTruncated: false, NextContinuationToken: undefined });

  const none = await list({ Prefix: 'nothing/' });
  expect(none).toMatchObject({ KeyCount: 0, IsTruncated: false });
  expect(none.Contents).toBeUndefined();
});

test('errors are the S3 client\'s exceptions: NoSuchBucket, NoSuchKey, NotFound', async () => {
  const noBucket = await world.failure(client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' })));
  expect(noBucket).toBeInstanceOf(NoSuchBucket);
  expect(noBucket).toMatchObject({ name: 'NoSuchBucket', message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } });
  expect(await world.failure(client.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'x', Body: 'x' })))).toBeInstanceOf(NoSuchBucket);
  expect(await world.failure(client.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })))).toBeInstanceOf(NoSuchBucket);

  const noKey = await world.failure(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing.json' })));
  expect(noKey).toBeInstanceOf(NoSuchKey);
  expect(noKey).toMatchObject({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
  const head = await world.failure(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'missing.json' })));
  expect(head).toBeInstanceOf(S3ServiceException);
  expect(head.name).toBe('NotFound');
  expect(world.account.calls.filter((c) => c.service === 's3').map((c) => c.error)).toEqual(['NoSuchBucket', 'NoSuchBucket', 'NoSuchBucket', 'NoSuchKey', 'NotFound']);
});

test('HeadObject and DeleteObject', async () => {
  await put('web/b-1.json', '{}', 'application/json');
  const head = await world.settle(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'web/b-1.json' })));
  expect(head).toMatchObject({ ContentLength: 2, ContentType: 'application/json' });
  await world.settle(client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'web/b-1.json' })));
  await world.settle(client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'web/b-1.json' })));
  expect(world.account.objects(BUCKET)).toEqual([]);
});

test('buckets are account-wide, made by createBucket with a valid, unused name', async () => {
  const west = new S3Client({ region: 'eu-west-1' });
  attachSimulator(west, world.account);
  await put('a', 'from us-east-1');
  const got = await world.settle(west.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a' })));
  expect(await got.Body!.transformToString()).toBe('from us-east-1');
  expect(() => world.account.createBucket(BUCKET)).toThrow(/already exists/);
  expect(() => world.account.createBucket('Bad_Name')).toThrow(/invalid bucket name/);
  expect(() => world.account.objects('nope')).toThrow(/no bucket named 'nope'/);
});

test('buckets and objects are saved with the account; states without them still load', async () => {
  expect(Object.keys(new SimulatedAccount().toState())).not.toContain('buckets');
  await put('web/b-1.json', '{"ok":true}', 'application/json');
  const loaded = SimulatedAccount.fromState(JSON.parse(JSON.stringify(world.account.toState())));
  expect(loaded.objects(BUCKET)).toEqual(world.account.objects(BUCKET));
  const again = loaded.invoke('s3', 'GetObject', { Bucket: BUCKET, Key: 'web/b-1.json' }) as { Body: Uint8Array; ContentType: string };
  expect(Buffer.from(again.Body).toString()).toBe('{"ok":true}');
  expect(again.ContentType).toBe('application/json');
});
