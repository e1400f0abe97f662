/**
 * The public base images every simulated region offers, with several dated versions each (so
 * "newest wins" lookups matter), and the public SSM parameters that point at the newest.
 * Ids are derived from region and name, so they are stable whatever the account's seed.
 */
import { SimulatedFilesystem } from './filesystem';
import { hashString, IdFactory, Prng } from './ids';
import type { Architecture, ImageRecord, RegionState, RootFiles, SnapshotRecord } from './records';
import { Timeline } from './timeline';

export const CANONICAL_OWNER_ID = '099720109477';
export const AMAZON_OWNER_ID = '137112412989';
export const WINDOWS_OWNER_ID = '801119661308';

/** One family of public images: a naming scheme, the dated versions, and its public parameter. */
interface ImageFamily {
  readonly ownerId: string;
  readonly ownerAlias?: string;
  readonly architecture: Architecture;
  readonly platform: 'linux' | 'windows';
  readonly rootDeviceName: string;
  readonly volumeType: string;
  readonly sizeGiB: number;
  /** Versions, oldest first; each is an ISO date plus the name and description built from it. */
  readonly versions: readonly { date: string; name: string; description: string }[];
  readonly parameters: readonly string[];
}

function ubuntu(release: '22.04' | '24.04', arch: 'amd64' | 'arm64', dates: string[]): ImageFamily {
  const codename = release === '24.04' ? 'noble' : 'jammy';
  const storage = release === '24.04' ? 'hvm-ssd-gp3' : 'hvm-ssd';
  const volumeType = release === '24.04' ? 'gp3' : 'gp2';
  return {
    ownerId: CANONICAL_OWNER_ID,
    architecture: arch === 'amd64' ? 'x86_64' : 'arm64',
    platform: 'linux',
    rootDeviceName: '/dev/sda1',
    volumeType,
    sizeGiB: 8,
    versions: dates.map((date) => ({
      date,
      name: `ubuntu/images/${storage}/ubuntu-${codename}-${release}-${arch}-server-${date.replace(/-/g, '')}`,
      description: `Canonical, Ubuntu, ${release}, ${arch} ${codename} image`,
    })),
    parameters: [`/aws/service/canonical/ubuntu/server/${release}/stable/current/${arch}/hvm/ebs-${volumeType}/ami-id`],
  };
}

function amazonLinux(arch: Architecture, releases: [string, string][]): ImageFamily {
  return {
    ownerId: AMAZON_OWNER_ID,
    ownerAlias: 'amazon',
    architecture: arch,
    platform: 'linux',
    rootDeviceName: '/dev/xvda',
    volumeType: 'gp3',
    sizeGiB: 8,
    versions: releases.map(([version, date]) => ({
      date,
      name: `al2023-ami-${version}-kernel-6.1-${arch}`,
      description: `Amazon Linux 2023 AMI ${version} ${arch} HVM kernel-6.1`,
    })),
    parameters: [
      `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`,
      `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-${arch}`,
    ],
  };
}

/** Windows Server, English, 64-bit: the Full (desktop experience) or Core installation, with EC2Launch v2, generalised by AWS. */
function windowsServer(version: string, edition: 'Full' | 'Core', dates: string[]): ImageFamily {
  return {
    ownerId: WINDOWS_OWNER_ID,
    ownerAlias: 'amazon',
    architecture: 'x86_64',
    platform: 'windows',
    rootDeviceName: '/dev/sda1',
    volumeType: 'gp2',
    sizeGiB: 30,
    versions: dates.map((date) => ({
      date,
      name: `Windows_Server-${version}-English-${edition}-Base-${date.replace(/-/g, '.')}`,
      description: `Microsoft Windows Server ${version} ${edition === 'Full' ? 'Full' : 'Core'} Locale English AMI provided by Amazon`,
    })),
    parameters: [`/aws/service/ami-windows-latest/Windows_Server-${version}-English-${edition}-Base`],
  };
}

const WINDOWS_RELEASES = ['2025-01-15', '2025-04-09', '2025-06-11'];

const AL2023_RELEASES: [string, string][] = [
  ['2023.6.20250107.0', '2025-01-07'],
  ['2023.7.20250331.0', '2025-03-31'],
  ['2023.7.20250609.0', '2025-06-09'],
];

/** The catalog, in a fixed order. */
export const IMAGE_FAMILIES: readonly ImageFamily[] = [
  ubuntu('24.04', 'amd64', ['2025-01-01', '2025-03-05', '2025-06-12']),
  ubuntu('24.04', 'arm64', ['2025-01-01', '2025-03-05', '2025-06-12']),
  ubuntu('22.04', 'amd64', ['2024-12-06', '2025-02-28', '2025-05-30']),
  ubuntu('22.04', 'arm64', ['2024-12-06', '2025-02-28', '2025-05-30']),
  amazonLinux('x86_64', AL2023_RELEASES),
  amazonLinux('arm64', AL2023_RELEASES),
  windowsServer('2022', 'Full', WINDOWS_RELEASES),
  windowsServer('2022', 'Core', WINDOWS_RELEASES),
  windowsServer('2025', 'Full', WINDOWS_RELEASES),
  windowsServer('2025', 'Core', WINDOWS_RELEASES),
  windowsServer('2019', 'Full', WINDOWS_RELEASES),
  windowsServer('2019', 'Core', WINDOWS_RELEASES),
  windowsServer('2016', 'Full', WINDOWS_RELEASES),
  windowsServer('2016', 'Core', WINDOWS_RELEASES),
];

/** The programs of AWS's Windows Server images that steps look for: EC2Launch v2 and the SSM agent. */
const WINDOWS_PROGRAMS = ['/C:/Program Files/Amazon/EC2Launch/EC2Launch.exe', '/C:/Program Files/Amazon/SSM/amazon-ssm-agent.exe'];

function windowsBaseFiles(): RootFiles {
  const fs = new SimulatedFilesystem(new Set(), new Map());
  WINDOWS_PROGRAMS.forEach((path) => fs.writeFile(path));
  return { files: fs.paths, contents: fs.contents };
}

function addVersion(region: RegionState, family: ImageFamily, version: ImageFamily['versions'][number]): ImageRecord {
  const ids = new IdFactory(new Prng(hashString(`${region.name}/${version.name}`)));
  const createdAt = Date.parse(`${version.date}T06:12:34.000Z`);
  const snapshot: SnapshotRecord = {
    id: ids.ec2('snap'),
    ownerId: family.ownerId,
    volumeId: 'vol-ffffffff',
    sizeGiB: family.sizeGiB,
    encrypted: false,
    description: '',
    createdAt,
    completedAt: createdAt,
    tags: new Map(),
  };
  const image: ImageRecord = {
    id: ids.ec2('ami'),
    name: version.name,
    description: version.description,
    ownerId: family.ownerId,
    ownerAlias: family.ownerAlias,
    public: true,
    architecture: family.architecture,
    platform: family.platform,
    // AWS generalises its Windows images with Sysprep before it publishes them, with EC2Launch v2 and the SSM agent installed.
    ...(family.platform === 'windows' ? { generalized: true, rootFiles: windowsBaseFiles() } : {}),
    rootDeviceName: family.rootDeviceName,
    mappings: [{
      deviceName: family.rootDeviceName,
      snapshotId: snapshot.id,
      sizeGiB: family.sizeGiB,
      volumeType: family.volumeType,
      deleteOnTermination: true,
      encrypted: false,
    }],
    createdAt,
    state: new Timeline(createdAt, 'available'),
    tags: new Map(),
    imageLocation: `${family.ownerAlias ?? family.ownerId}/${version.name}`,
    launchPermissions: new Map([['all', 'Group']]),
  };
  region.snapshots.set(snapshot.id, snapshot);
  region.images.set(image.id, image);
  return image;
}

/** Adds the public images, their snapshots and the public parameters to a new region. */
export function installCatalog(region: RegionState): void {
  for (const family of IMAGE_FAMILIES) {
    const images = family.versions.map((version) => addVersion(region, family, version));
    const newest = images[images.length - 1];
    for (const name of family.parameters) {
      region.parameters.set(name, {
        name,
        type: 'String',
        dataType: 'text',
        value: newest.id,
        version: images.length,
        lastModified: newest.createdAt,
      });
    }
  }
}

/** True for images that came with the region rather than from this account. */
export function isCatalogOwner(ownerId: string): boolean {
  return [CANONICAL_OWNER_ID, AMAZON_OWNER_ID, WINDOWS_OWNER_ID].includes(ownerId);
}
