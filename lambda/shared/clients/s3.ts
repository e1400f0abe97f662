/** The handlers' client of S3, for the staging location and manifests. */
import { S3Client } from '@aws-sdk/client-s3';
import { CLIENT_CONFIG, remember } from './registry';

/** The S3Client of the bakery's own region. */
export function s3(): S3Client {
  return remember('s3', () => new S3Client(CLIENT_CONFIG));
}
