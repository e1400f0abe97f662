/**
 * S3, enough for a manifest bucket: buckets are made by the set-up helper `SimulatedAccount.createBucket` and
 * belong to the account (not to a region; their names are unique across the simulated world); PutObject,
 * GetObject, HeadObject, DeleteObject and ListObjectsV2 work on their objects. A bucket of another account
 * answers AccessDenied, an unknown one NoSuchBucket, as S3 does. GetObject's `Body` is the object's bytes; the
 * SDK bridge hands it to clients as the SDK's stream (`await Body.transformToString()`).
 */
import { createHash } from 'node:crypto';
import type {
  _Object, CommonPrefix, DeleteObjectRequest, DeleteObjectOutput, GetObjectRequest, HeadObjectOutput, HeadObjectRequest, ListObjectsV2Output,
  ListObjectsV2Request, PutObjectOutput, PutObjectRequest,
} from '@aws-sdk/client-s3';
import type { OperationContext } from './context';
import { s3Error } from './errors';

/** One stored object; the body is kept as base64 so a saved account is plain JSON. */
export interface S3ObjectRecord {
  readonly key: string;
  readonly body: string;
  readonly size: number;
  readonly contentType?: string;
  readonly metadata?: Record<string, string>;
  readonly etag: string;
  readonly lastModified: number;
}

export interface BucketRecord {
  readonly name: string;
  readonly region: string;
  readonly createdAt: number;
  /** Objects by key. */
  readonly objects: Map<string, S3ObjectRecord>;
}

/** The buckets an operation can reach: the calling account's, and who owns any other name. */
export interface BucketDirectory {
  readonly buckets: Map<string, BucketRecord>;
  /** The account that owns a bucket of that name in the simulated world, if any. */
  bucketOwnerOf(name: string): string | undefined;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const MAX_KEYS = 1000;

/** Why a bucket name is not valid, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  if (!BUCKET_NAME.test(name)) return 'bucket names are 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'bucket names cannot hold two dots in a row or look like an IP address';
  return undefined;
}

/** A value that goes into the request's URL path: the SDK refuses to send a request without it. */
function label(value: string | undefined, name: 'Bucket' | 'Key'): string {
  if (!value) throw new Error(`Empty value provided for input HTTP label: ${name}.`);
  return value;
}

/** The calling account's bucket, or S3's error: AccessDenied for another account's, NoSuchBucket for none. */
function bucketOf(directory: BucketDirectory, name: string | undefined): BucketRecord {
  const bucket = directory.buckets.get(label(name, 'Bucket'));
  if (bucket) return bucket;
  if (directory.bucketOwnerOf(name!)) throw s3Error('AccessDenied', 'Access Denied', { httpStatusCode: 403 });
  throw s3Error('NoSuchBucket', 'The specified bucket does not exist', { httpStatusCode: 404 });
}

function objectOf(bucket: BucketRecord, key: string | undefined): S3ObjectRecord {
  const object = bucket.objects.get(label(key, 'Key'));
  if (!object) throw s3Error('NoSuchKey', 'The specified key does not exist.', { httpStatusCode: 404 });
  return object;
}

/** A PutObject body as bytes (strings are UTF-8); streams are not supported. */
function bytesOf(body: unknown): Uint8Array {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  throw s3Error('NotImplemented', 'The local simulator takes PutObject bodies as a string, Uint8Array or Buffer only.', { httpStatusCode: 501 });
}

export function putObject(ctx: OperationContext, input: PutObjectRequest, directory: BucketDirectory): PutObjectOutput {
  const bucket = bucketOf(directory, input.Bucket);
  const key = label(input.Key, 'Key');
  if (Buffer.byteLength(key) > 1024) throw s3Error('KeyTooLongError', 'Your key is too long');
  const object = objectRecord(key, bytesOf(input.Body), ctx.now, input);
  bucket.objects.set(key, object);
  return { ETag: object.etag, ServerSideEncryption: 'AES256' };
}

/** A stored object as S3 keeps it: the body, its size and MD5 ETag, and when it was written. */
export function objectRecord(key: string, bytes: Uint8Array, now: number, input: Pick<PutObjectRequest, 'ContentType' | 'Metadata'> = {}): S3ObjectRecord {
  return {
    key,
    body: Buffer.from(bytes).toString('base64'),
    size: bytes.byteLength,
    contentType: input.ContentType,
    metadata: input.Metadata && Object.keys(input.Metadata).length ? { ...input.Metadata } : undefined,
    etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
    lastModified: now,
  };
}

function headOf(object: S3ObjectRecord): HeadObjectOutput {
  return {
    AcceptRanges: 'bytes',
    ContentLength: object.size,
    ContentType: object.contentType ?? DEFAULT_CONTENT_TYPE,
    ETag: object.etag,
    LastModified: new Date(object.lastModified),
    Metadata: { ...object.metadata },
    ServerSideEncryption: 'AES256',
  };
}

/** GetObject's answer, with the body as bytes (the SDK bridge turns it into the SDK's stream); `Range: bytes=a-b` reads part of it. */
export function getObject(_ctx: OperationContext, input: GetObjectRequest, directory: BucketDirectory): HeadObjectOutput & { Body: Uint8Array } {
  const object = objectOf(bucketOf(directory, input.Bucket), input.Key);
  const bytes = Buffer.from(object.body, 'base64');
  if (input.Range === undefined) return { ...headOf(object), Body: new Uint8Array(bytes) };
  const range = /^bytes=(\d+)-(\d*)$/.exec(input.Range);
  const start = Number(range?.[1] ?? 0);
  if (!range || start >= bytes.length) throw s3Error('InvalidRange', 'The requested range is not satisfiable', { httpStatusCode: 416 });
  const end = Math.min(bytes.length - 1, range[2] === '' ? bytes.length - 1 : Number(range[2]));
  const part = bytes.subarray(start, end + 1);
  return { ...headOf(object), ContentLength: part.length, ContentRange: `bytes ${start}-${end}/${bytes.length}`, Body: new Uint8Array(part) } as HeadObjectOutput & { Body: Uint8Array };
}

export function headObject(_ctx: OperationContext, input: HeadObjectRequest, directory: BucketDirectory): HeadObjectOutput {
  const bucket = bucketOf(directory, input.Bucket);
  const object = bucket.objects.get(label(input.Key, 'Key'));
  if (!object) throw s3Error('NotFound', 'Not Found', { httpStatusCode: 404 });
  return headOf(object);
}

export function deleteObject(_ctx: OperationContext, input: DeleteObjectRequest, directory: BucketDirectory): DeleteObjectOutput {
  const bucket = bucketOf(directory, input.Bucket);
  bucket.objects.delete(label(input.Key, 'Key'));
  return {};
}

/** ContinuationTokens are opaque to clients: here, the last key (or common prefix) returned, base64-encoded. */
function resumeAfter(input: ListObjectsV2Request): string {
  if (input.ContinuationToken) return Buffer.from(input.ContinuationToken, 'base64').toString('utf8');
  return input.StartAfter ?? '';
}

export function listObjectsV2(_ctx: OperationContext, input: ListObjectsV2Request, directory: BucketDirectory): ListObjectsV2Output {
  const bucket = bucketOf(directory, input.Bucket);
  const prefix = input.Prefix ?? '';
  const maxKeys = Math.min(input.MaxKeys ?? MAX_KEYS, MAX_KEYS);
  const after = resumeAfter(input);
  const keys = [...bucket.objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort();
  const contents: _Object[] = [];
  const commonPrefixes: CommonPrefix[] = [];
  let last: string | undefined;
  let truncated = false;
  for (const key of keys) {
    const cut = input.Delimiter ? key.indexOf(input.Delimiter, prefix.length) : -1;
    const common = cut >= 0 ? key.slice(0, cut + input.Delimiter!.length) : undefined;
    if (common !== undefined && common === commonPrefixes[commonPrefixes.length - 1]?.Prefix) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      commonPrefixes.push({ Prefix: common });
      last = `${common}\uffff`;
    } else {
      const object = bucket.objects.get(key)!;
      contents.push({ Key: key, LastModified: new Date(object.lastModified), ETag: object.etag, Size: object.size, StorageClass: 'STANDARD' });
      last = key;
    }
  }
  return {
    Name: bucket.name,
    Prefix: prefix,
    Delimiter: input.Delimiter,
    MaxKeys: maxKeys,
    KeyCount: contents.length + commonPrefixes.length,
    IsTruncated: truncated,
    Contents: contents.length ? contents : undefined,
    CommonPrefixes: commonPrefixes.length ? commonPrefixes : undefined,
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken: truncated && last !== undefined ? Buffer.from(last, 'utf8').toString('base64') : undefined,
    StartAfter: input.StartAfter,
    EncodingType: input.EncodingType,
  };
}
