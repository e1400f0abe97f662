import { Duration } from 'aws-cdk-lib';
import { Metric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE } from '../contract';

/** One of the runner's bake metrics, for the whole bakery or one recipe. */
export function bakeMetric(
  metricName: string,
  bakeryId: string,
  recipeName: string | undefined,
  defaults: MetricOptions,
  props: MetricOptions = {},
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: recipeName === undefined ? { Bakery: bakeryId } : { Bakery: bakeryId, Recipe: recipeName },
    period: Duration.hours(1),
    ...defaults,
    ...props,
  });
}
