/**
 * The files a CDK recipe's steps name by local path: each is laid out as the CLI stages it
 * (`staging/<sha256>/SHA256SUMS` plus its files), shipped as one asset per recipe, and copied into the
 * bakery's staging bucket by one deployment for all recipes when the stack deploys; the registered document names
 * them by s3:// URI.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { localSourceProblems, localSources, stepAt } from './local-sources';
import { stageLocalPath } from './staged-layout';
import { STAGING_PREFIX, stagedSourceUri } from './staging-location';

/**
 * The one deployment that copies every recipe's staged files into the staging bucket, made with the first recipe
 * that has any: one custom resource for the bakery, however many recipes stage files.
 */
export class StagedFilesDeployment {
  /** The deployment into a staging bucket, made beside the bucket on first use. */
  public static of(bucket: IBucket): StagedFilesDeployment {
    let deployment = DEPLOYMENTS.get(bucket);
    if (!deployment) {
      deployment = new StagedFilesDeployment(bucket.node.scope as Construct, bucket);
      DEPLOYMENTS.set(bucket, deployment);
    }
    return deployment;
  }

  private deployment?: BucketDeployment;

  private constructor(private readonly scope: Construct, public readonly bucket: IBucket) {}

  /** The deployment, once a recipe staged files. */
  public get construct(): BucketDeployment | undefined {
    return this.deployment;
  }

  /** Copies the layouts in this folder too. */
  public add(directory: string): void {
    if (this.deployment) {
      this.deployment.addSource(Source.asset(directory));
      return;
    }
    this.deployment = new BucketDeployment(this.scope, 'StagedFiles', {
      sources: [Source.asset(directory)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: STAGING_PREFIX,
      // Layouts are keyed by content and other recipes may share them: never delete what is there.
      prune: false,
      retainOnDelete: true,
    });
  }
}

const DEPLOYMENTS = new WeakMap<IBucket, StagedFilesDeployment>();

/** The document with its local sources staged; throws naming a source that is not on disk. */
export function stageRecipeFiles(recipeName: string, document: Record<string, unknown>, deployment: StagedFilesDeployment): Record<string, unknown> {
  const sources = localSources(document, process.cwd());
  if (sources.length === 0) return document;
  const problems = localSourceProblems(document, process.cwd());
  if (problems.length > 0) throw new Error(`Recipe "${recipeName}": ${problems.join('; ')}.`);
  const directory = mkdtempSync(join(tmpdir(), 'cdk-ami-bakery-staged-'));
  const staged = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
  const location = { bucket: deployment.bucket.bucketName, prefix: STAGING_PREFIX };
  for (const source of sources) {
    const layout = stageLocalPath(source.path);
    for (const object of layout.objects) {
      const path = join(directory, layout.hash, object.key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, object.body);
    }
    stepAt(staged, source)[source.kind]!.source = stagedSourceUri(location, layout.hash, layout.entry);
  }
  deployment.add(directory);
  return staged;
}
