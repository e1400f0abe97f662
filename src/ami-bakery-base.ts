import { Metric, MetricOptions, Stats, Unit } from 'aws-cdk-lib/aws-cloudwatch';
import { IEventBus, OnEventOptions, Rule } from 'aws-cdk-lib/aws-events';
import { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { bakeMetric } from './private/bake-metrics';
import { BAKE_EVENT_SOURCE, BAKE_FAILED, BAKE_SUCCEEDED } from './workflow/announcements';

/** Options of the bake metrics: CloudWatch's own, and the recipe whose bakes to count. */
export interface BakeMetricOptions extends MetricOptions {
  /**
   * Only the bakes of this recipe (its `recipeName`).
   * @default - every bake of the bakery
   */
  readonly recipeName?: string;
}

/** A bakery: one made in this app (`AmiBakery`), or one deployed by another stack or app (`AmiBakery.fromAmiBakeryAttributes`). */
export interface IAmiBakery extends IConstruct {
  /** The state machine that runs bakes. */
  readonly stateMachine: IStateMachine;
  /** The bakery's own event bus, which carries its `Bake Succeeded` and `Bake Failed` announcements. */
  readonly eventBus: IEventBus;
  /** Value of the `cdk-ami-bakery:bakery` tag on everything the bakery creates, and its metrics' `Bakery` dimension. */
  readonly bakeryId: string;

  /** Lets a principal start bakes and read their progress, within what the bakery's app declared. */
  grantStartBake(grantee: IGrantable): Grant;
  /** A rule for the bakery's `Bake Succeeded` events; the detail is the manifest plus `bakeryId`. */
  onBakeSucceeded(id: string, options?: OnEventOptions): Rule;
  /** A rule for the bakery's `Bake Failed` events; the detail is the failed manifest. */
  onBakeFailed(id: string, options?: OnEventOptions): Rule;
  /** How long bakes take, in seconds (average per hour by default). */
  metricBakeDuration(props?: BakeMetricOptions): Metric;
  /** Bakes that succeeded (sum per hour by default). */
  metricBakeSucceeded(props?: BakeMetricOptions): Metric;
  /** Bakes that failed (sum per hour by default). */
  metricBakeFailed(props?: BakeMetricOptions): Metric;
}

/** What identifies a bakery deployed elsewhere: the outputs of its stack, or the values in its console. */
export interface AmiBakeryAttributes {
  /** The ARN of the bakery's state machine. */
  readonly stateMachineArn: string;
  /** The ARN of the bakery's event bus. */
  readonly eventBusArn: string;
  /** The bakery's `bakeryId`: the value of its `cdk-ami-bakery:bakery` tag. */
  readonly bakeryId: string;
}

/** What every bakery offers, made here or imported. */
export abstract class AmiBakeryBase extends Construct implements IAmiBakery {
  public abstract readonly stateMachine: IStateMachine;
  public abstract readonly eventBus: IEventBus;
  public abstract readonly bakeryId: string;

  /**
   * Lets a principal start bakes and read their progress: of the registered recipes, with the overrides
   * `allowOverrides` names, and of ad-hoc recipes within the `adHocRecipes` bounds. Nothing beyond what the app
   * declares: the runner's permissions are derived from it.
   */
  public grantStartBake(grantee: IGrantable): Grant {
    const grant = this.stateMachine.grantStartExecution(grantee);
    this.stateMachine.grantRead(grantee);
    return grant;
  }

  /**
   * A rule for the `Bake Succeeded` events this bakery puts on its event bus (`eventBus`); the event's detail is
   * the manifest (AMI ids per region, snapshots, timings) plus `bakeryId`.
   */
  public onBakeSucceeded(id: string, options: OnEventOptions = {}): Rule {
    return this.onBakeEvent(id, BAKE_SUCCEEDED, options);
  }

  /** A rule for the `Bake Failed` events this bakery puts on its event bus (`eventBus`); the detail is the failed manifest. */
  public onBakeFailed(id: string, options: OnEventOptions = {}): Rule {
    return this.onBakeEvent(id, BAKE_FAILED, options);
  }

  /** How long bakes take, in seconds (average per hour by default), for the bakery or one recipe (`recipeName`). */
  public metricBakeDuration(props: BakeMetricOptions = {}): Metric {
    return this.bakeMetric('BakeDuration', { statistic: Stats.AVERAGE, unit: Unit.SECONDS }, props);
  }

  /** Bakes that succeeded (sum per hour by default), for the bakery or one recipe (`recipeName`). */
  public metricBakeSucceeded(props: BakeMetricOptions = {}): Metric {
    return this.bakeMetric('BakeSucceeded', { statistic: Stats.SUM }, props);
  }

  /**
   * Bakes that failed (sum per hour by default), for the bakery or one recipe (`recipeName`). Stopped and timed-out
   * executions show in the state machine's own metrics (`stateMachine.metricAborted()`, `metricTimedOut()`).
   */
  public metricBakeFailed(props: BakeMetricOptions = {}): Metric {
    return this.bakeMetric('BakeFailed', { statistic: Stats.SUM }, props);
  }

  private bakeMetric(metricName: string, defaults: MetricOptions, { recipeName, ...props }: BakeMetricOptions): Metric {
    return bakeMetric(metricName, this.bakeryId, recipeName, defaults, props);
  }

  private onBakeEvent(id: string, detailType: string, options: OnEventOptions): Rule {
    const rule = new Rule(this, id, { ...options, eventBus: this.eventBus });
    rule.addEventPattern({ source: [BAKE_EVENT_SOURCE], detailType: [detailType], detail: { bakeryId: [this.bakeryId] } });
    if (options.target) rule.addTarget(options.target);
    return rule;
  }
}
