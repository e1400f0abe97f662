/** A bucket of the simulated account as the place a recipe's files are staged, as `bakery build` stages them in AWS. */
import type { SimulatedAccount } from './model';
import type { ObjectStore } from '../src/staging/local-sources';

/**
 * Puts through the account's own S3 PutObject, as `bakery build` uploads an ad-hoc recipe's files; with `deployed`,
 * as deploying the app puts a registered recipe's files (no API call of the bake's, so its fault rules do not apply).
 * The bucket, which the deployed stack makes, is made on first use.
 */
export function simulatedObjectStore(account: SimulatedAccount, bucket: string, deployed = false): ObjectStore {
  return {
    has: async (key) => account.hasBucket(bucket) && account.objects(bucket).some((object) => object.key === key),
    put: async (key, body) => {
      if (!account.hasBucket(bucket)) account.createBucket(bucket);
      if (deployed) account.deployObject(bucket, key, body);
      else account.invoke('s3', 'PutObject', { Bucket: bucket, Key: key, Body: body });
    },
  };
}
