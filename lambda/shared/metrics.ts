/**
 * Bake metrics in CloudWatch's embedded metric format: one JSON line per finished bake, which Lambda's log
 * capture turns into metrics in the `cdk-ami-bakery` namespace, per bakery and per recipe.
 */
import type { Manifest } from './types';
import { METRICS_NAMESPACE } from '../../src/contract';

/** Where the metric lines go: standard output in Lambda. */
export type MetricsSink = (line: string) => void;

let sink: MetricsSink = (line) => process.stdout.write(`${line}\n`);

/** Sends metric lines elsewhere (the simulator collects them); returns the previous sink. */
export function useMetricsSink(next: MetricsSink): MetricsSink {
  const previous = sink;
  sink = next;
  return previous;
}

/** Records one finished bake: its duration, and a count of success or failure. */
export function recordBakeOutcome(manifest: Manifest, bakeryId: string): void {
  const seconds = manifest.phases.reduce((total, phase) => total + phase.seconds, 0);
  const succeeded = manifest.status === 'SUCCEEDED' ? 1 : 0;
  sink(JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['Bakery'], ['Bakery', 'Recipe']],
        Metrics: [
          { Name: 'BakeDuration', Unit: 'Seconds' },
          { Name: 'BakeSucceeded', Unit: 'Count' },
          { Name: 'BakeFailed', Unit: 'Count' },
        ],
      }],
    },
    Bakery: bakeryId,
    Recipe: manifest.recipe || 'unknown',
    BakeDuration: seconds,
    BakeSucceeded: succeeded,
    BakeFailed: 1 - succeeded,
    buildId: manifest.buildId,
  }));
}
