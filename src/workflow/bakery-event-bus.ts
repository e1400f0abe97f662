import { Lazy, Names } from 'aws-cdk-lib';
import { EventBus, IEventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, Grant, IGrantable, IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BAKE_EVENT_SOURCE } from './announcements';
import { START_BAKE_SOURCE } from '../contract';

/**
 * The bakery's own event bus, for its announcements (`Bake Succeeded`, `Bake Failed`) and the events that start
 * a recipe's bakes. Its resource policy denies putting an announcement to everyone but the state machine's role,
 * and a recipe's start events to everyone but the principals granted them: an identity policy that allows
 * `events:PutEvents` on every bus cannot forge them.
 */
export function createBakeryEventBus(scope: Construct, id: string): EventBus {
  return new EventBus(scope, id, { description: 'cdk-ami-bakery: bake announcements and start events of one bakery' });
}

/** Denies putting announcements on the bus to any principal but the role that runs the state machine. */
export function onlyAnnouncedBy(bus: EventBus, role: IRole): void {
  bus.addToResourcePolicy(new PolicyStatement({
    sid: 'OnlyTheBakeryAnnouncesBakes',
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    // A PutEvents call may carry many entries: events:source holds each entry's source.
    conditions: { 'ForAnyValue:StringEquals': { 'events:source': BAKE_EVENT_SOURCE }, 'ArnNotEquals': { 'aws:PrincipalArn': role.roleArn } },
  }));
}

/**
 * Lets a principal put one recipe's start events (`detailType`) on the bus, and denies them to every principal
 * not granted: the first grant adds the deny, which names every principal granted (at synth).
 */
export class StartEventGrants {
  private readonly principals: string[] = [];

  constructor(private readonly scope: Construct, private readonly bus: IEventBus, private readonly detailType: string) {}

  public grant(grantee: IGrantable): Grant {
    const arns = principalArns(grantee, this.detailType);
    if (this.principals.length === 0) this.denyOthers();
    this.principals.push(...arns.filter((arn) => !this.principals.includes(arn)));
    return Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.bus.eventBusArn],
      conditions: { StringEquals: { 'events:source': START_BAKE_SOURCE, 'events:detail-type': this.detailType } },
    });
  }

  private denyOthers(): void {
    const statement = new PolicyStatement({
      sid: `OnlyGrantedStart${Names.uniqueId(this.scope).slice(-40)}`,
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [this.bus.eventBusArn],
      conditions: {
        'ForAnyValue:StringEquals': { 'events:detail-type': this.detailType },
        'ArnNotEquals': { 'aws:PrincipalArn': Lazy.list({ produce: () => this.principals }) },
      },
    });
    const bus = this.bus as Partial<Pick<EventBus, 'addToResourcePolicy'>>;
    if (!bus.addToResourcePolicy?.(statement).statementAdded) {
      throw new Error(`${this.detailType}: the bakery's event bus takes no resource policy here, so start events could be forged; use the bus the bakery made`);
    }
  }
}

/** The ARNs IAM names a principal by in `aws:PrincipalArn`: a role's or a user's. */
function principalArns(grantee: IGrantable, detailType: string): string[] {
  const refuse = () => new Error(`grantStartBake (${detailType}): grant it to a role or a user; the bakery's event bus lets only the principals ` +
    'it names put start events, and names them by ARN');
  let arns: unknown;
  // aws:PrincipalArn names the role or user that calls, never a group it belongs to.
  if ('groupArn' in grantee.grantPrincipal) throw refuse();
  try {
    arns = grantee.grantPrincipal.policyFragment.principalJson.AWS;
  } catch {
    throw refuse();
  }
  const list = [arns ?? []].flat().filter((arn): arn is string => typeof arn === 'string');
  if (list.length === 0) throw refuse();
  return list;
}
