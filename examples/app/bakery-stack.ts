/**
 * An example CDK app: one bakery with three recipes. In your own app, import from 'cdk-ami-bakery'.
 */
import { join } from 'node:path';
import { Duration, Stack, StackProps, TimeZone } from 'aws-cdk-lib';
import { EbsDeviceVolumeType, InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { AmiBakery, ProvisionStep, RebuildPolicy, SourceImage } from '../../src';

export class BakeryStack extends Stack {
  public readonly bakery: AmiBakery;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.bakery = new AmiBakery(this, 'Bakery', { logRetention: RetentionDays.THREE_MONTHS });

    this.bakery.addRecipe('Nginx', {
      recipeName: 'nginx',
      source: SourceImage.ubuntu('24.04', InstanceArchitecture.X86_64),
      instanceTypes: [new InstanceType('t3.small'), new InstanceType('t3a.small')],
      rootVolumeSize: 12,
      rootVolumeType: EbsDeviceVolumeType.GP3,
      steps: [
        ProvisionStep.shell({ name: 'install nginx', commands: ['apt-get update -y', 'DEBIAN_FRONTEND=noninteractive apt-get install -y nginx'], timeout: Duration.minutes(30) }),
        ProvisionStep.shell({ name: 'enable nginx', commands: ['systemctl enable nginx'] }),
        ProvisionStep.shell({ name: 'smoke test', commands: ['curl -fsS http://localhost/ >/dev/null'] }),
      ],
      amiName: 'nginx-{{timestamp}}',
      tags: { team: 'platform' },
    });

    this.bakery.addRecipe('Base', {
      recipeName: 'al2023-base',
      source: SourceImage.fromFilter({ owners: ['amazon'], name: 'al2023-ami-2023.*-kernel-6.1-arm64', architecture: InstanceArchitecture.ARM_64 }),
      instanceTypes: [new InstanceType('t4g.small')],
      steps: [
        ProvisionStep.shell({ commands: ['dnf upgrade -y'] }),
        ProvisionStep.reboot('pick up the new kernel'),
        ProvisionStep.shell({ commands: ['uname -r'], environment: { LANG: 'C.UTF-8' } }),
      ],
      amiName: 'al2023-base-{{date}}-{{buildId}}',
      // Every Monday at 03:00 in Berlin; a week without a new Amazon Linux release bakes nothing.
      schedule: ScheduleExpression.cron({ weekDay: 'MON', hour: '3', minute: '0', timeZone: TimeZone.EUROPE_BERLIN }),
      rebuild: RebuildPolicy.whenSourceChanges(),
      retention: { keepLatest: 4 },
      distribution: { regions: ['eu-central-1'], ssmParameterName: '/images/al2023-base/latest' },
    });

    // Scripts, files and a playbook beside the app: they deploy with the stack into the bakery's staging bucket.
    const files = (path: string) => join(__dirname, '../recipes/web-files', path);
    this.bakery.addRecipe('WebFiles', {
      recipeName: 'web-files',
      source: SourceImage.ubuntu('24.04', InstanceArchitecture.X86_64),
      steps: [
        ProvisionStep.document({ name: 'AWS-RunPatchBaseline', parameters: { Operation: ['Install'] } }),
        ProvisionStep.script({ name: 'install nginx', source: files('scripts/install-nginx.sh'), timeout: Duration.minutes(20) }),
        ProvisionStep.file({ source: files('files/nginx.conf'), destination: '/etc/nginx/nginx.conf', owner: 'root:root', mode: '0644' }),
        ProvisionStep.file({ source: files('files/site/'), destination: '/var/www/html', owner: 'www-data:www-data' }),
        ProvisionStep.ansible({ source: files('ansible/'), playbook: 'site.yml', extraVars: { env: 'prod' } }),
      ],
      amiName: 'web-files-{{timestamp}}',
    });
  }
}
