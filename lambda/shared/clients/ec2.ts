/** The handlers' EC2 clients: the bakery's own region and, for copies, each other region. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { CLIENT_CONFIG, remember } from './registry';

/** The EC2 client of a region (the bakery's own when none is named). */
export function ec2(region?: string): EC2Client {
  if (!region) return remember('ec2', () => new EC2Client(CLIENT_CONFIG));
  return remember(`ec2:${region}`, () => new EC2Client({ ...CLIENT_CONFIG, region }), { region });
}
