/**
 * API request throttling as EC2 and SSM apply it: token buckets per account, per region and per API action,
 * refilled in (virtual) time. A call that finds its bucket empty fails as AWS fails it (EC2
 * `RequestLimitExceeded` with HTTP 503, SSM `ThrottlingException`) and takes no token.
 *
 * EC2 (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html): every action has its own
 * request bucket, sized by its category (non-mutating `Describe*` 100 tokens refilling 20 a second; unfiltered and
 * unpaginated non-mutating calls 50 / 10; mutating actions 200 / 5). `RunInstances`, `TerminateInstances`,
 * `StopInstances` and `StartInstances` also spend one token per instance from a resource bucket.
 *
 * SSM (https://docs.aws.amazon.com/general/latest/gr/ssm.html) publishes transactions per second for a few
 * actions (`GetParameter` 40, `PutParameter` 3 at standard throughput); the others get `ssm.otherActions`.
 * S3, STS, CloudWatch Logs and Step Functions are not throttled here.
 */
import { SimulatedAwsError, ServiceName } from './errors';

/** A token bucket's size and how many tokens it gets back each second. */
export interface BucketLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** The request-rate limits the simulated account enforces (`SimulatedAccountOptions.rateLimits`). */
export interface RateLimits {
  readonly ec2: {
    /** Actions that change nothing (`Describe*`, `Get*`, `List*`) and name ids, filters or a page size. */
    readonly nonMutating: BucketLimit;
    /** Non-mutating calls with no ids, no filters and no `MaxResults`: the most expensive to answer. */
    readonly unfilteredNonMutating: BucketLimit;
    /** Every other action (`CreateImage`, `CopyImage`, `CreateTags`, ...). */
    readonly mutating: BucketLimit;
    /** Resource buckets by action: each instance the call names (or launches) costs one token. */
    readonly resources: Readonly<Record<string, BucketLimit>>;
  };
  readonly ssm: {
    /** Limits by action, where AWS publishes one. */
    readonly actions: Readonly<Record<string, BucketLimit>>;
    /** The limit of the actions AWS publishes none for. */
    readonly otherActions: BucketLimit;
  };
}

/** A bucket that holds one second of calls at `perSecond` transactions a second. */
function perSecond(tps: number): BucketLimit {
  return { capacity: tps, refillPerSecond: tps };
}

/** The default limits of a new AWS account. */
export const AWS_RATE_LIMITS: RateLimits = {
  ec2: {
    nonMutating: { capacity: 100, refillPerSecond: 20 },
    unfilteredNonMutating: { capacity: 50, refillPerSecond: 10 },
    mutating: { capacity: 200, refillPerSecond: 5 },
    resources: {
      RunInstances: { capacity: 1000, refillPerSecond: 2 },
      TerminateInstances: { capacity: 1000, refillPerSecond: 20 },
      StopInstances: { capacity: 1000, refillPerSecond: 20 },
      StartInstances: { capacity: 1000, refillPerSecond: 20 },
    },
  },
  ssm: {
    actions: {
      GetParameter: perSecond(40),
      GetParameters: perSecond(40),
      GetParametersByPath: perSecond(40),
      PutParameter: perSecond(3),
    },
    otherActions: perSecond(20),
  },
};

class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly limit: BucketLimit, now: number) {
    this.tokens = limit.capacity;
    this.updatedAt = now;
  }

  /** The tokens there are at `now`, after refilling since the last look. */
  level(now: number): number {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.limit.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.limit.refillPerSecond);
      this.updatedAt = now;
    }
    return this.tokens;
  }

  take(count: number): void {
    this.tokens -= count;
  }
}

/** What one call spends: a token from each bucket it names. */
interface Charge {
  readonly key: string;
  readonly limit: BucketLimit;
  readonly cost: number;
}

/** The buckets of one account, keyed by region and action; `admit` decides each call. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limits: RateLimits) {}

  /** Spends the call's tokens, or returns the throttling error AWS answers when a bucket lacks them (spending none). */
  admit(service: ServiceName, operation: string, input: object, region: string, now: number): SimulatedAwsError | undefined {
    const charges = this.chargesOf(service, operation, input);
    const buckets = charges.map((charge) => ({ charge, bucket: this.bucket(`${region}/${charge.key}`, charge.limit, now) }));
    if (buckets.some(({ charge, bucket }) => bucket.level(now) < charge.cost)) return throttled(service, operation);
    buckets.forEach(({ charge, bucket }) => bucket.take(charge.cost));
    return undefined;
  }

  private bucket(key: string, limit: BucketLimit, now: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private chargesOf(service: ServiceName, operation: string, input: object): Charge[] {
    if (service === 'ssm') return [{ key: `ssm:${operation}`, limit: this.limits.ssm.actions[operation] ?? this.limits.ssm.otherActions, cost: 1 }];
    if (service !== 'ec2') return [];
    const request = ec2RequestCharge(this.limits, operation, input);
    const resource = this.limits.ec2.resources[operation];
    return resource ? [request, { key: `ec2:${operation}:resources`, limit: resource, cost: instancesIn(operation, input) }] : [request];
  }
}

/** The request bucket an EC2 call draws on: its action's, sized by its category. */
function ec2RequestCharge(limits: RateLimits, operation: string, input: object): Charge {
  if (!/^(Describe|Get|List)/.test(operation)) return { key: `ec2:${operation}`, limit: limits.ec2.mutating, cost: 1 };
  if (isUnfiltered(input)) return { key: `ec2:${operation}:unfiltered`, limit: limits.ec2.unfilteredNonMutating, cost: 1 };
  return { key: `ec2:${operation}`, limit: limits.ec2.nonMutating, cost: 1 };
}

/** A call that names no ids, names, owners or filters and no page size. */
function isUnfiltered(input: object): boolean {
  return !Object.entries(input).some(([field, value]) => {
    if (field === 'MaxResults') return value !== undefined;
    if (field === 'Filters' || /Ids$|Names$|^Owners$/.test(field)) return Array.isArray(value) && value.length > 0;
    return false;
  });
}

/** Instances a call launches (`MaxCount`) or names (`InstanceIds`): its resource tokens. */
function instancesIn(operation: string, input: object): number {
  const { MaxCount, InstanceIds } = input as { MaxCount?: unknown; InstanceIds?: unknown };
  if (operation === 'RunInstances') return typeof MaxCount === 'number' && MaxCount > 0 ? MaxCount : 1;
  return Array.isArray(InstanceIds) ? Math.max(1, InstanceIds.length) : 1;
}

/** The error a service answers a throttled call with. */
function throttled(service: ServiceName, operation: string): SimulatedAwsError {
  if (service === 'ec2') {
    return new SimulatedAwsError(service, 'RequestLimitExceeded', `Request limit exceeded. (ec2:${operation} request rate)`,
      { fault: 'client', httpStatusCode: 503, throttling: true });
  }
  return new SimulatedAwsError(service, 'ThrottlingException', `Rate exceeded (ssm:${operation})`, { fault: 'client', httpStatusCode: 400, throttling: true });
}
