/**
 * The copy of each manifest in S3 (`manifestBucket` on the construct): `<prefix><recipe>/<build id>.json`,
 * so a recipe's bakes list in order under one prefix. Writing it never fails a bake: a failed step would
 * send a bake that made and handed over its images to the failure cleanup, which removes them. A write that
 * fails is logged, and the manifest stays in the execution's output and the bake event.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './clients/s3';
import * as config from './config';
import { describeError } from './errors';
import { logger } from './logger';
import type { Manifest } from './types';

/** Where the manifest goes, or undefined when the bakery has no manifest bucket. */
export function manifestLocation(manifest: Pick<Manifest, 'recipe' | 'buildId'>): { bucket: string; key: string } | undefined {
  const bucket = config.manifestBucket();
  if (!bucket) return undefined;
  return { bucket, key: `${config.manifestPrefix()}${manifest.recipe}/${manifest.buildId}.json` };
}

/** Writes the manifest to the bucket; returns its `s3://` URL, or undefined when there is no bucket or the write failed. */
export async function storeManifest(manifest: Manifest): Promise<string | undefined> {
  const location = manifestLocation(manifest);
  if (!location) return undefined;
  const url = `s3://${location.bucket}/${location.key}`;
  try {
    await s3().send(new PutObjectCommand({
      Bucket: location.bucket,
      Key: location.key,
      Body: JSON.stringify({ ...manifest, manifestLocation: url }, null, 2),
      ContentType: 'application/json',
    }));
    logger.info('Wrote the manifest', { url });
    return url;
  } catch (error) {
    logger.error('Could not write the manifest to the manifest bucket; the execution output still has it', { url, error: describeError(error) });
    return undefined;
  }
}
