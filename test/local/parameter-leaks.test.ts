/** The leak check counts SSM parameters left pointing at an image that is gone, or at an image that is itself a leak. */
import { ec2, launch, newestUbuntu, setup, START, FakeClock } from './helpers';
import { SimulatedAccount } from '../../local/model';

const PEER = '222233334444';
const NAME = '/images/web/latest';

let account: SimulatedAccount;
let clock: FakeClock;

beforeEach(() => ({ account, clock } = setup()));
afterEach(() => clock.uninstall());

/** An image made from a running instance, the instance terminated; returns the image id. */
function bakeImage(name: string): string {
  const instanceId = launch(account);
  clock.tick(30_000);
  const { ImageId } = ec2(account, 'CreateImage', { InstanceId: instanceId, Name: name, NoReboot: true });
  ec2(account, 'TerminateInstances', { InstanceIds: [instanceId] });
  clock.tick(600_000);
  return ImageId;
}

const parametersIn = (leaked: string[]) => leaked.filter((id) => id.startsWith('parameter:'));

describe('leakedResources and SSM parameters', () => {
  test('a parameter set since the start that names a deregistered image is reported, with its region and name', () => {
    const imageId = bakeImage('web-1');
    account.putParameter(NAME, imageId, { dataType: 'aws:ec2:image' });
    ec2(account, 'DeregisterImage', { ImageId: imageId });

    expect(parametersIn(account.leakedResources(START))).toEqual([`parameter:us-east-1:${NAME}`]);
  });

  test('one naming an image that never existed is reported; one naming a public image or an image kept on purpose is not', () => {
    const imageId = bakeImage('web-1');
    account.putParameter('/images/none', 'ami-0123456789abcdef0', { dataType: 'aws:ec2:image' });
    account.putParameter('/images/public', newestUbuntu(account), { dataType: 'aws:ec2:image' });
    account.putParameter(NAME, imageId, { dataType: 'aws:ec2:image' });

    expect(parametersIn(account.leakedResources(START, [imageId]))).toEqual(['parameter:us-east-1:/images/none']);
  });

  test('one naming an image that is itself a leak is reported after it; one set before the start is not', () => {
    const earlier = bakeImage('web-1');
    account.putParameter('/images/old', earlier, { dataType: 'aws:ec2:image' });
    ec2(account, 'DeregisterImage', { ImageId: earlier });
    clock.tick(1_000);
    const since = Date.now();
    const imageId = bakeImage('web-2');
    account.putParameter(NAME, imageId, { dataType: 'aws:ec2:image' });

    const leaked = account.leakedResources(since);
    expect(leaked).toContain(imageId);
    expect(leaked[leaked.length - 1]).toBe(`parameter:us-east-1:${NAME}`);
    expect(leaked).not.toContain('parameter:us-east-1:/images/old');
  });

  test('a peer\'s parameter naming this account\'s deregistered image is reported with the peer\'s account id', () => {
    const peer = account.addPeer(PEER);
    const imageId = bakeImage('web-1');
    peer.putParameter(NAME, imageId, { dataType: 'aws:ec2:image' });
    ec2(account, 'DeregisterImage', { ImageId: imageId });

    expect(parametersIn(account.leakedResources(START))).toEqual([`parameter:${PEER}:us-east-1:${NAME}`]);
  });

  test('a text parameter is never an image pointer, and a parameter id in keep is left out', () => {
    account.putParameter('/images/version', 'v1.2.3');
    account.putParameter(NAME, 'ami-0123456789abcdef0', { dataType: 'aws:ec2:image' });

    expect(account.leakedResources(START, [`parameter:us-east-1:${NAME}`])).toEqual([]);
  });
});
