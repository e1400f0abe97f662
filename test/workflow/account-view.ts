import type { SimulatedAccount } from '../../local/model';

/** Reads the simulated account the way a person would with the AWS CLI, after a bake. */
export function describeImage(account: SimulatedAccount, imageId: string): any {
  const result = account.invoke('ec2', 'DescribeImages', { ImageIds: [imageId] }) as any;
  return result.Images[0];
}

export function ownImages(account: SimulatedAccount): any[] {
  return (account.invoke('ec2', 'DescribeImages', { Owners: ['self'] }) as any).Images;
}

export function ownSnapshots(account: SimulatedAccount): any[] {
  return (account.invoke('ec2', 'DescribeSnapshots', { OwnerIds: ['self'] }) as any).Snapshots;
}

export function instances(account: SimulatedAccount): any[] {
  return (account.invoke('ec2', 'DescribeInstances', {}) as any).Reservations.flatMap((reservation: any) => reservation.Instances);
}

export function tagsOf(resource: { Tags?: { Key: string; Value: string }[] }): Record<string, string> {
  return Object.fromEntries((resource.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
}

export function ec2Calls(account: SimulatedAccount): number {
  return account.callCount({ service: 'ec2' });
}
