/** A bucket of the simulated account as the place a recipe's files are staged, as `bakery build` stages them in AWS. */
import type { SimulatedAccount } from './model';
import type { ObjectStore } from '../src/staging/local-sources';

/** Puts through the account's own S3 PutObject; the bucket, which the deployed stack makes, is made on first use. */
export function simulatedObjectStore(account: SimulatedAccount, bucket: string): ObjectStore {
  return {
    has: async (key) => account.hasBucket(bucket) && account.objects(bucket).some((object) => object.key === key),
    put: async (key, body) => {
      if (!account.hasBucket(bucket)) account.createBucket(bucket);
      account.invoke('s3', 'PutObject', { Bucket: bucket, Key: key, Body: body });
    },
  };
}
