import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { instances } from './account-view';
import { recipe } from './recipes';
import { SimulatedAccount } from '../../local/model';
import { simulateBake, simulatedBakeryWith } from '../../local/simulate-bake';

const START = new Date('2030-06-01T04:00:00Z');
const SUBNET_A = 'subnet-0000000000000000a';
const SUBNET_B = 'subnet-0000000000000000b';

/** An account like the one simulateBake makes, with the faults, and a subnet in us-east-1a and one in us-east-1b. */
function accountWithSubnets(faults: string[]): SimulatedAccount {
  const account = new SimulatedAccount({ seed: 1, region: 'us-east-1', accountId: '123456789012', faults });
  account.addSubnet({ id: SUBNET_A, zone: 'us-east-1a' });
  account.addSubnet({ id: SUBNET_B, zone: 'us-east-1b' });
  return account;
}

/** The RunInstances calls of the bake, in order, with their error names ('' when the call launched). */
function launchCalls(account: SimulatedAccount): string[] {
  return account.calls.filter((call) => call.operation === 'RunInstances').map((call) => call.error ?? '');
}

describe('capacity per Availability Zone in whole bakes', () => {
  test('a zone without capacity moves the launch to the next subnet, in another zone', async () => {
    const account = accountWithSubnets(['capacity:t3.small:us-east-1a']);
    const bake = await simulateBake({ recipe: recipe({ instance: { subnetIds: [SUBNET_A, SUBNET_B] } }), account, startTime: START });

    expect(bake.status).toBe('SUCCEEDED');
    expect(instances(account).map((instance) => [instance.SubnetId, instance.Placement.AvailabilityZone])).toEqual([[SUBNET_B, 'us-east-1b']]);
    // EC2 answers a capacity shortage with HTTP 500, which the SDK retries before the runner moves on.
    expect(new Set(launchCalls(account))).toEqual(new Set(['InsufficientInstanceCapacity', '']));
    expect(launchCalls(account).at(-1)).toBe('');
    expect(bake.manifest.leakedResources).toEqual([]);
  });

  test('a type not offered in a zone is launched in the next subnet; without subnets EC2 picks a zone that offers it', async () => {
    const account = accountWithSubnets(['unsupported:t3.small:us-east-1a']);
    const named = await simulateBake({ recipe: recipe({ instance: { subnetIds: [SUBNET_A, SUBNET_B] } }), account, startTime: START });
    expect(named.status).toBe('SUCCEEDED');
    expect(launchCalls(account)).toEqual(['Unsupported', '']);

    const unnamed = await simulateBake({ recipe: recipe(), faults: ['unsupported:t3.small:us-east-1a'], startTime: START });
    expect(unnamed.status).toBe('SUCCEEDED');
    expect(launchCalls(unnamed.account)).toEqual(['']);
    expect(instances(unnamed.account)[0].Placement.AvailabilityZone).not.toBe('us-east-1a');
    expect(unnamed.manifest.leakedResources).toEqual([]);
  });

  test('over the vCPU quota the bake moves on to a smaller type, without trying the larger one in the other subnets', async () => {
    const account = accountWithSubnets(['vcpu-limit:2']);
    const instance = { types: ['m5.xlarge', 't3.small'], subnetIds: [SUBNET_A, SUBNET_B] };
    const bake = await simulateBake({ recipe: recipe({ instance }), account, startTime: START });

    expect(bake.status).toBe('SUCCEEDED');
    expect(instances(account)[0].InstanceType).toBe('t3.small');
    expect(launchCalls(account)).toEqual(['VcpuLimitExceeded', '']);
    expect(bake.manifest.leakedResources).toEqual([]);
  });

  test('a type that fits the quota is found past zone and quota errors; when none fits, NoCapacity lists every attempt with its zone', async () => {
    const account = accountWithSubnets(['capacity:t3.small:us-east-1a', 'unsupported:t3.small:us-east-1b', 'vcpu-limit:2']);
    const instance = { types: ['t3.small', 'm5.large', 'c5.xlarge'], subnetIds: [SUBNET_A, SUBNET_B] };
    const bake = await simulateBake({ recipe: recipe({ instance }), account, startTime: START });

    expect(bake.status).toBe('SUCCEEDED');
    expect(instances(account)[0].InstanceType).toBe('m5.large');

    const full = accountWithSubnets(['capacity:t3.small:us-east-1a', 'unsupported:t3.small:us-east-1b', 'vcpu-limit:1']);
    const failed = await simulateBake({ recipe: recipe({ instance }), account: full, startTime: START });
    expect(failed.status).toBe('FAILED');
    expect(failed.manifest.error).toMatchObject({ phase: 'launch' });
    const message = failed.manifest.error?.message ?? '';
    expect(message).toContain(`- t3.small in ${SUBNET_A} (us-east-1a): InsufficientInstanceCapacity (`);
    expect(message).toContain(`- t3.small in ${SUBNET_B} (us-east-1b): Unsupported (`);
    expect(message).toContain(`- m5.large in ${SUBNET_A}: VcpuLimitExceeded (`);
    expect(message).toContain(`- c5.xlarge in ${SUBNET_A}: VcpuLimitExceeded (`);
    expect(message).not.toContain(`m5.large in ${SUBNET_B}`);
    expect(message).toContain('or list a type with fewer vCPUs, or raise the region\'s "Running On-Demand ... instances" vCPU quota');
    expect(failed.manifest.leakedResources).toEqual([]);
  });

  test('the subnets of the bakery\'s VPC exist in the simulated account, and the launch tries them zone by zone', async () => {
    const bakery = simulatedBakeryWith((stack) => ({
      vpc: Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0000000000000000c', availabilityZones: ['us-east-1c', 'us-east-1d'], privateSubnetIds: ['subnet-0000000000000000c', 'subnet-0000000000000000d'],
      }),
      securityGroups: [SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-0000000000000000e')],
    }));
    const bake = await simulateBake({ recipe: recipe(), bakery, faults: ['capacity:t3.small:us-east-1c'], startTime: START });

    expect(bake.status).toBe('SUCCEEDED');
    expect(instances(bake.account).map((instance) => [instance.SubnetId, instance.Placement.AvailabilityZone]))
      .toEqual([['subnet-0000000000000000d', 'us-east-1d']]);
    expect(bake.manifest.leakedResources).toEqual([]);
  });
});
