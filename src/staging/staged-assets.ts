/**
 * The files a CDK recipe's steps name by local path: each is laid out as the CLI stages it
 * (`staging/<sha256>/SHA256SUMS` plus its files), shipped as one asset per recipe, and copied into the
 * bakery's staging bucket when the stack deploys; the registered document names them by s3:// URI.
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

/** The construct id of the deployment that copies a recipe's files into the staging bucket. */
export const STAGED_FILES_ID = 'StagedFiles';

/** The document with its local sources staged; throws naming a source that is not on disk. */
export function stageRecipeFiles(scope: Construct, recipeName: string, document: Record<string, unknown>, bucket: IBucket): Record<string, unknown> {
  const sources = localSources(document, process.cwd());
  if (sources.length === 0) return document;
  const problems = localSourceProblems(document, process.cwd());
  if (problems.length > 0) throw new Error(`Recipe "${recipeName}": ${problems.join('; ')}.`);
  const directory = mkdtempSync(join(tmpdir(), 'cdk-ami-bakery-staged-'));
  const staged = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
  const location = { bucket: bucket.bucketName, prefix: STAGING_PREFIX };
  for (const source of sources) {
    const layout = stageLocalPath(source.path);
    for (const object of layout.objects) {
      const path = join(directory, layout.hash, object.key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, object.body);
    }
    stepAt(staged, source)[source.kind]!.source = stagedSourceUri(location, layout.hash, layout.entry);
  }
  new BucketDeployment(scope, STAGED_FILES_ID, {
    sources: [Source.asset(directory)],
    destinationBucket: bucket,
    destinationKeyPrefix: STAGING_PREFIX,
    // Layouts are keyed by content and other recipes may share them: never delete what is there.
    prune: false,
    retainOnDelete: true,
  });
  return staged;
}
