import { EventBus, IEventBus } from 'aws-cdk-lib/aws-events';
import { IStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AmiBakeryAttributes, AmiBakeryBase } from '../ami-bakery-base';

/** A bakery deployed by another stack or app, known by its attributes. */
export class ImportedAmiBakery extends AmiBakeryBase {
  public readonly stateMachine: IStateMachine;
  public readonly eventBus: IEventBus;
  public readonly bakeryId: string;

  constructor(scope: Construct, id: string, attributes: AmiBakeryAttributes) {
    super(scope, id);
    this.stateMachine = StateMachine.fromStateMachineArn(this, 'StateMachine', attributes.stateMachineArn);
    this.eventBus = EventBus.fromEventBusArn(this, 'EventBus', attributes.eventBusArn);
    this.bakeryId = attributes.bakeryId;
  }
}
