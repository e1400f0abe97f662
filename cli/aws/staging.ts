/**
 * Where `bakery build` stages a recipe's files: the bakery's staging bucket, through S3 (HeadObject to skip
 * what is there already, PutObject for the rest).
 */
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsOptions, awsFailure, clientConfig } from './clients';
import { EXPIRES_TAG } from '../../src/contract';
import type { ObjectStore } from '../../src/staging/local-sources';

export class SdkStaging implements ObjectStore {
  /** The SDK client (the simulator attaches itself to it). */
  public readonly client: S3Client;

  constructor(private readonly bucket: string, private readonly options: AwsOptions) {
    this.client = new S3Client(clientConfig(options));
  }

  public async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as Error)?.name === 'NotFound' || (error as Error)?.name === 'NoSuchKey') return false;
      throw awsFailure(`HeadObject s3://${this.bucket}/${key}`, error, this.options);
    }
  }

  public async put(key: string, body: Buffer): Promise<void> {
    try {
      // Tagged so the staging bucket's lifecycle rule removes it after the bakery's stagingExpiration.
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, Tagging: `${encodeURIComponent(EXPIRES_TAG)}=true` }));
    } catch (error) {
      throw awsFailure(`PutObject s3://${this.bucket}/${key}`, error, this.options);
    }
  }
}
