import { BUILD_TAG, CUSTOMER_KEY_ROOT, ec2, errorOf, launch, newestUbuntu, setup, START, FakeClock } from './helpers';
import { SimulatedAccount } from '../../local/model';
import { describeImages } from '../../local/model/images';

let account: SimulatedAccount;
let clock: FakeClock;

beforeEach(() => ({ account, clock } = setup()));
afterEach(() => clock.uninstall());

const DAY = 24 * 60 * 60_000;

/** An available image of this account (encrypted with a customer key, so it can be shared); returns its id. */
function availableImage(name = 'web-1'): string {
  const instanceId = launch(account, CUSTOMER_KEY_ROOT);
  clock.tick(30_000);
  const { ImageId } = ec2(account, 'CreateImage', { InstanceId: instanceId, Name: name, NoReboot: true });
  clock.tick(30 * 60_000);
  return ImageId;
}

function describeImage(imageId: string): any {
  return ec2(account, 'DescribeImages', { ImageIds: [imageId] }).Images[0];
}

describe('image deprecation', () => {
  test('EnableImageDeprecation sets DeprecationTime (rounded to the minute); the image still launches; Disable clears it', () => {
    const imageId = availableImage();
    expect(describeImage(imageId).DeprecationTime).toBeUndefined();
    const at = new Date(START + 2 * DAY + 29_000);
    expect(ec2(account, 'EnableImageDeprecation', { ImageId: imageId, DeprecateAt: at })).toEqual({ Return: true });
    expect(describeImage(imageId).DeprecationTime).toBe(new Date(Math.round(at.getTime() / 60_000) * 60_000).toISOString());

    clock.tick(3 * DAY);
    expect(describeImage(imageId).State).toBe('available');
    expect(ec2(account, 'DescribeImages', { Owners: ['self'] }).Images.map((i: any) => i.ImageId)).toContain(imageId);
    const reservation = ec2(account, 'RunInstances', { ImageId: imageId, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 });
    expect(reservation.Instances[0].ImageId).toBe(imageId);

    expect(ec2(account, 'DisableImageDeprecation', { ImageId: imageId })).toEqual({ Return: true });
    expect(describeImage(imageId).DeprecationTime).toBeUndefined();
  });

  test('DeprecateAt must be in the future and at most 10 years ahead; only own images', () => {
    const imageId = availableImage();
    const past = errorOf(() => ec2(account, 'EnableImageDeprecation', { ImageId: imageId, DeprecateAt: new Date(START - DAY) }));
    expect(past.name).toBe('InvalidParameterValue');
    const tooFar = errorOf(() => ec2(account, 'EnableImageDeprecation', { ImageId: imageId, DeprecateAt: new Date(Date.now() + 11 * 365 * DAY) }));
    expect(tooFar.name).toBe('InvalidParameterValue');
    expect(tooFar.message).toContain('10 years');
    expect(ec2(account, 'EnableImageDeprecation', { ImageId: imageId, DeprecateAt: new Date(Date.now() + 9 * 365 * DAY) }).Return).toBe(true);
    expect(errorOf(() => ec2(account, 'EnableImageDeprecation', { ImageId: imageId })).name).toBe('MissingParameter');

    const publicImage = newestUbuntu(account);
    const notOwn = errorOf(() => ec2(account, 'EnableImageDeprecation', { ImageId: publicImage, DeprecateAt: new Date(Date.now() + DAY) }));
    expect(notOwn.name).toBe('UnauthorizedOperation');
    expect(errorOf(() => ec2(account, 'DisableImageDeprecation', { ImageId: 'ami-0123456789abcdef0' })).name).toBe('InvalidAMIID.NotFound');
  });

  test('a deprecated image shared by another account is listed only with IncludeDeprecated or by id', () => {
    const imageId = availableImage();
    ec2(account, 'ModifyImageAttribute', { ImageId: imageId, LaunchPermission: { Add: [{ UserId: '210987654321' }] } });
    ec2(account, 'EnableImageDeprecation', { ImageId: imageId, DeprecateAt: new Date(Date.now() + DAY) });
    clock.tick(2 * DAY);
    // Seen from the account it is shared with: the same region, another account id.
    const ctx = { ...account.context(), accountId: '210987654321' };
    const listed = (input: object) => describeImages(ctx, input).Images!.map((i) => i.ImageId);
    expect(listed({})).not.toContain(imageId);
    expect(listed({ IncludeDeprecated: true })).toContain(imageId);
    expect(listed({ ImageIds: [imageId] })).toEqual([imageId]);
    // Its owner always sees it.
    expect(ec2(account, 'DescribeImages', {}).Images.map((i: any) => i.ImageId)).toContain(imageId);
  });
});

describe('deregistration protection', () => {
  test('a protected image cannot be deregistered until protection is disabled', () => {
    const imageId = availableImage();
    expect(describeImage(imageId).DeregistrationProtection).toBe('disabled');
    expect(ec2(account, 'EnableImageDeregistrationProtection', { ImageId: imageId })).toEqual({ Return: 'enabled-without-cooldown' });
    expect(describeImage(imageId).DeregistrationProtection).toBe('enabled-without-cooldown');

    const refused = errorOf(() => ec2(account, 'DeregisterImage', { ImageId: imageId }));
    expect(refused.name).toBe('InvalidParameterValue');
    expect(refused.message).toMatch(/deregistration protection is enabled/);
    expect(describeImage(imageId).State).toBe('available');

    expect(ec2(account, 'DisableImageDeregistrationProtection', { ImageId: imageId })).toEqual({ Return: 'disabled' });
    expect(describeImage(imageId).DeregistrationProtection).toBe('disabled');
    expect(ec2(account, 'DeregisterImage', { ImageId: imageId }).Return).toBe(true);
  });

  test('WithCooldown keeps the image protected for 24 hours after protection is disabled', () => {
    const imageId = availableImage();
    expect(ec2(account, 'EnableImageDeregistrationProtection', { ImageId: imageId, WithCooldown: true }).Return).toBe('enabled-with-cooldown');
    const disabledAt = Date.now();
    const disabled = ec2(account, 'DisableImageDeregistrationProtection', { ImageId: imageId });
    const until = new Date(disabledAt + DAY).toISOString();
    expect(disabled.Return).toBe(`disabled after ${until}`);
    expect(describeImage(imageId).DeregistrationProtection).toBe(`disabled after ${until}`);
    clock.tick(DAY - 60_000);
    const refused = errorOf(() => ec2(account, 'DeregisterImage', { ImageId: imageId }));
    expect(refused.name).toBe('InvalidParameterValue');
    expect(refused.message).toContain(until);
    clock.tick(60_000);
    expect(describeImage(imageId).DeregistrationProtection).toBe('disabled');
    expect(ec2(account, 'DeregisterImage', { ImageId: imageId }).Return).toBe(true);
  });

  test('only the owner can change protection', () => {
    const publicImage = newestUbuntu(account);
    expect(errorOf(() => ec2(account, 'EnableImageDeregistrationProtection', { ImageId: publicImage })).name).toBe('UnauthorizedOperation');
    expect(errorOf(() => ec2(account, 'DisableImageDeregistrationProtection', { ImageId: 'ami-nope' })).name).toBe('InvalidAMIID.Malformed');
  });
});

describe('launch templates', () => {
  test('DescribeLaunchTemplateVersions finds every template whose $Latest or $Default version uses an image', () => {
    const imageId = availableImage('web-1');
    const otherImage = availableImage('web-2');
    const created = ec2(account, 'CreateLaunchTemplate', {
      LaunchTemplateName: 'web-servers',
      LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.small' },
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: BUILD_TAG, Value: 'b-1' }] }],
    });
    expect(created.Warning).toBeUndefined();
    expect(created.LaunchTemplate).toMatchObject({ LaunchTemplateName: 'web-servers', DefaultVersionNumber: 1, LatestVersionNumber: 1 });
    expect(created.LaunchTemplate.LaunchTemplateId).toMatch(/^lt-[0-9a-f]{17}$/);
    ec2(account, 'CreateLaunchTemplate', { LaunchTemplateName: 'workers', LaunchTemplateData: { ImageId: otherImage } });

    const uses = (ami: string) => ec2(account, 'DescribeLaunchTemplateVersions', {
      Versions: ['$Latest', '$Default'], Filters: [{ Name: 'image-id', Values: [ami] }],
    }).LaunchTemplateVersions;
    expect(uses(imageId)).toEqual([expect.objectContaining({
      LaunchTemplateName: 'web-servers', VersionNumber: 1, DefaultVersion: true, LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.small' },
    })]);
    expect(uses(newestUbuntu(account))).toEqual([]);

    // A new latest version moves "web-servers" to the other image; its default still uses the first.
    const v2 = ec2(account, 'CreateLaunchTemplateVersion', { LaunchTemplateName: 'web-servers', SourceVersion: '1', LaunchTemplateData: { ImageId: otherImage } });
    expect(v2.LaunchTemplateVersion).toMatchObject({ VersionNumber: 2, DefaultVersion: false, LaunchTemplateData: { ImageId: otherImage, InstanceType: 't3.small' } });
    expect(uses(imageId).map((v: any) => v.VersionNumber)).toEqual([1]);
    expect(uses(otherImage).map((v: any) => [v.LaunchTemplateName, v.VersionNumber])).toEqual([['web-servers', 2], ['workers', 1]]);
    const all = ec2(account, 'DescribeLaunchTemplateVersions', { Versions: ['$Latest', '$Default'] }).LaunchTemplateVersions;
    expect(all.map((v: any) => [v.LaunchTemplateName, v.VersionNumber])).toEqual([['web-servers', 2], ['web-servers', 1], ['workers', 1]]);

    ec2(account, 'ModifyLaunchTemplate', { LaunchTemplateId: created.LaunchTemplate.LaunchTemplateId, DefaultVersion: '2' });
    expect(uses(imageId)).toEqual([]);
    ec2(account, 'DeleteLaunchTemplate', { LaunchTemplateName: 'workers' });
    expect(uses(otherImage).map((v: any) => v.LaunchTemplateName)).toEqual(['web-servers']);
  });

  test('one template: all its versions, or the ones asked for; errors as EC2 gives them', () => {
    const imageId = availableImage();
    ec2(account, 'CreateLaunchTemplate', { LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: imageId } });
    ec2(account, 'CreateLaunchTemplateVersion', { LaunchTemplateName: 'web', LaunchTemplateData: { InstanceType: 't3.large' } });
    expect(ec2(account, 'DescribeLaunchTemplateVersions', { LaunchTemplateName: 'web' }).LaunchTemplateVersions).toHaveLength(2);
    expect(ec2(account, 'DescribeLaunchTemplateVersions', { LaunchTemplateName: 'web', Versions: ['2'] }).LaunchTemplateVersions[0].LaunchTemplateData)
      .toEqual({ ImageId: undefined, InstanceType: 't3.large' });

    expect(errorOf(() => ec2(account, 'CreateLaunchTemplate', { LaunchTemplateName: 'web', LaunchTemplateData: {} })).name)
      .toBe('InvalidLaunchTemplateName.AlreadyExistsException');
    expect(errorOf(() => ec2(account, 'CreateLaunchTemplate', { LaunchTemplateName: 'a b', LaunchTemplateData: {} })).name)
      .toBe('InvalidLaunchTemplateName.MalformedException');
    expect(errorOf(() => ec2(account, 'DescribeLaunchTemplateVersions', { LaunchTemplateName: 'nope' })).name)
      .toBe('InvalidLaunchTemplateName.NotFoundException');
    expect(errorOf(() => ec2(account, 'DescribeLaunchTemplateVersions', { LaunchTemplateName: 'web', Versions: ['7'] })).name)
      .toBe('InvalidLaunchTemplateId.VersionNotFound');
    expect(errorOf(() => ec2(account, 'DescribeLaunchTemplateVersions', { Versions: ['1'] })).name).toBe('MissingParameter');
    expect(errorOf(() => ec2(account, 'DescribeLaunchTemplateVersions', { Versions: ['$Latest'], Filters: [{ Name: 'ami', Values: ['x'] }] })).name)
      .toBe('InvalidParameterValue');
    // A template whose image does not exist is created, with a warning.
    const warned = ec2(account, 'CreateLaunchTemplate', { LaunchTemplateName: 'stale', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0' } });
    expect(warned.Warning.Errors[0].Code).toBe('InvalidAMIID.NotFound');
  });
});

test('DescribeInstances filters by image-id and instance-state-name', () => {
  const ubuntu = newestUbuntu(account);
  const first = launch(account);
  const second = launch(account);
  clock.tick(30_000);
  ec2(account, 'TerminateInstances', { InstanceIds: [second] });
  const ids = (filters: object[]) => ec2(account, 'DescribeInstances', { Filters: filters }).Reservations
    .flatMap((r: any) => r.Instances.map((i: any) => i.InstanceId));
  expect(ids([{ Name: 'image-id', Values: [ubuntu] }])).toEqual([first, second]);
  expect(ids([{ Name: 'image-id', Values: ['ami-0123456789abcdef0'] }])).toEqual([]);
  expect(ids([{ Name: 'image-id', Values: [ubuntu] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }])).toEqual([first]);
  expect(ids([{ Name: 'instance-state-name', Values: ['shutting-down', 'terminated'] }])).toEqual([second]);
});
