/** What the agent's downloads (aws:downloadContent and the documents built on it) see of the simulated S3. */
import type { BucketDirectory } from '../s3';

export interface S3Reader {
  /** Undefined when the object at an S3 https URL exists and the account may read it, else why not. */
  objectProblem(url: string): string | undefined;
  /**
   * What downloading the URL brings, as `aws:downloadContent` lays it out: a file by its name, or every object
   * under a folder URL (ending with `/`) by its path below it. Call after `objectProblem` said nothing.
   */
  download(url: string): { path: string; body: Buffer }[];
}

/** `https://s3.amazonaws.com/bucket/key`, `https://s3.<region>.amazonaws.com/bucket/key` or `https://bucket.s3[.<region>].amazonaws.com/key`. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const pathStyle = /^https:\/\/s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com\/([^/]+)\/(.+)$/.exec(url);
  if (pathStyle) return { bucket: pathStyle[1], key: decodeURIComponent(pathStyle[2]) };
  const virtualHost = /^https:\/\/([^/]+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com\/(.+)$/.exec(url);
  return virtualHost ? { bucket: virtualHost[1], key: decodeURIComponent(virtualHost[2]) } : undefined;
}

/** The simulated S3 as the agent sees it; with `failRule`, no download gets through (fault rule `download:fail`). */
export function s3Reader(directory: BucketDirectory, accountId: string, failRule?: string): S3Reader {
  return {
    objectProblem(url) {
      if (failRule) return `could not reach ${url}: connection timed out (injected by fault rule ${failRule})`;
      const location = parseS3Url(url);
      if (!location) return `${url} is not an S3 URL`;
      const bucket = directory.buckets.get(location.bucket);
      if (!bucket) {
        return directory.bucketOwnerOf(location.bucket) && directory.bucketOwnerOf(location.bucket) !== accountId
          ? `Access Denied for s3://${location.bucket}/${location.key}` : `The specified bucket does not exist: ${location.bucket}`;
      }
      const folder = location.key.endsWith('/');
      const found = folder ? [...bucket.objects.keys()].some((key) => key.startsWith(location.key)) : bucket.objects.has(location.key);
      return found ? undefined : `The specified key does not exist: s3://${location.bucket}/${location.key}`;
    },
    download(url) {
      const location = parseS3Url(url);
      const bucket = location && directory.buckets.get(location.bucket);
      if (!location || !bucket) return [];
      const folder = location.key.endsWith('/');
      return [...bucket.objects.values()]
        .filter((object) => (folder ? object.key.startsWith(location.key) && !object.key.endsWith('/') : object.key === location.key))
        .map((object) => ({
          path: folder ? object.key.slice(location.key.length) : object.key.split('/').pop()!,
          body: Buffer.from(object.body, 'base64'),
        }));
    },
  };
}
