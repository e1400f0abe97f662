/**
 * The resources one region of the simulated account holds. Records keep timestamps and
 * timelines; the operations derive the states AWS would report from them at call time.
 */
import type { DocumentRecord } from './documents/records';
import { Timeline } from './timeline';

export type InstanceStateName = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
export type ImageStateName = 'pending' | 'available' | 'failed';
export type Architecture = 'x86_64' | 'arm64';

/** Tags of one resource, in insertion order. */
export type TagMap = Map<string, string>;

/** An interval of virtual time, start included, end excluded. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

export interface InstanceRecord {
  readonly id: string;
  readonly reservationId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly architecture: Architecture;
  readonly platform: 'linux' | 'windows';
  readonly rootDeviceName: string;
  readonly createdAt: number;
  readonly clientToken?: string;
  readonly tags: TagMap;
  readonly state: Timeline<InstanceStateName>;
  /** Reboots (exit 194, CreateImage with reboot): EC2 still says running, the agent is away. */
  readonly reboots: Window[];
  readonly instanceProfile?: { readonly name: string; readonly arn: string; readonly id: string };
  readonly metadataOptions: { readonly httpTokens: string; readonly httpEndpoint: string; readonly hopLimit: number };
  readonly subnetId: string;
  readonly vpcId: string;
  readonly securityGroupIds: string[];
  readonly privateIp: string;
  readonly availabilityZone: string;
  /** Volume ids by device name. */
  readonly volumes: Map<string, string>;
  /** From `running` until the agent registers. */
  readonly agentDelayMs: number;
  /** Files and directories scripts created (the simulated shell's whole filesystem). */
  readonly files: Set<string>;
  /** `spot` for an instance a Spot request launched. */
  readonly lifecycle?: 'spot';
  /** For a Spot instance, its request type: EC2 stops only those of persistent requests. */
  readonly spotRequestType?: 'one-time' | 'persistent';
  /** The contents of the files whose bytes are known (downloads, files scripts wrote), base64, by path. */
  contents?: Map<string, string>;
  lastLaunchAt: number;
  /** Windows: EC2Launch's sysprep generalised the instance; an image made from it is generalised. */
  generalized?: boolean;
  /** Under eventual consistency: until then EC2 answers NotFound for the instance (absent: visible at once). */
  readonly settlesAt?: number;
}

export interface VolumeRecord {
  readonly id: string;
  readonly sizeGiB: number;
  readonly volumeType: string;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  readonly snapshotId?: string;
  readonly availabilityZone: string;
  readonly createdAt: number;
  readonly instanceId: string;
  readonly device: string;
  readonly deleteOnTermination: boolean;
  readonly tags: TagMap;
}

/** Who may create volumes from a snapshot (ModifySnapshotAttribute createVolumePermission): account ids, or `all`. */
export type CreateVolumePermissionKind = 'UserId' | 'Group';

export interface SnapshotRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly volumeId: string;
  readonly sizeGiB: number;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  readonly description: string;
  readonly createdAt: number;
  readonly completedAt: number;
  readonly tags: TagMap;
  deletedAt?: number;
  /** The accounts (or `all`) it is shared with, by value; DescribeSnapshotAttribute reports them, DescribeSnapshots does not. */
  createVolumePermissions?: Map<string, CreateVolumePermissionKind>;
}

export interface ImageDeviceMapping {
  readonly deviceName: string;
  readonly snapshotId: string;
  readonly sizeGiB: number;
  readonly volumeType: string;
  readonly deleteOnTermination: boolean;
  readonly encrypted: boolean;
}

/** The kind of a launch permission: the field of the SDK's `LaunchPermission` that holds it. */
export type LaunchPermissionKind = 'UserId' | 'Group' | 'OrganizationArn' | 'OrganizationalUnitArn';

/** What a CopyImage request asked for, so a retry with the same client token gets the same image. */
export interface ImageCopyRecord {
  readonly sourceRegion: string;
  readonly sourceImageId: string;
  readonly clientToken?: string;
  /** The request's parameters, to tell a retry from a different request with the same token. */
  readonly fingerprint: string;
}

export interface ImageRecord {
  readonly id: string;
  readonly name: string;
  description: string;
  readonly ownerId: string;
  readonly ownerAlias?: string;
  readonly public: boolean;
  readonly architecture: Architecture;
  readonly platform: 'linux' | 'windows';
  readonly rootDeviceName: string;
  readonly mappings: ImageDeviceMapping[];
  readonly createdAt: number;
  readonly state: Timeline<ImageStateName>;
  readonly stateReason?: { readonly code: string; readonly message: string };
  readonly tags: TagMap;
  readonly sourceInstanceId?: string;
  /** What the root volume held when the image was made (CreateImage) or copied: instances launched from it start with it. */
  readonly rootFiles?: RootFiles;
  /** Windows: the image was generalised (Sysprep); the first boot of an instance launched from it runs Windows setup. */
  readonly generalized?: boolean;
  readonly imageLocation: string;
  /** Launch permissions by value (an account id, `all`, an organization or OU ARN) with their kind. */
  readonly launchPermissions: Map<string, LaunchPermissionKind>;
  /** Set on images CopyImage made. */
  readonly copy?: ImageCopyRecord;
  imdsSupport?: string;
  deregisteredAt?: number;
  /** After DeregisterImage, EC2 keeps the image's snapshots in use (InvalidSnapshot.InUse) until this time. */
  snapshotsReleasedAt?: number;
  /** EnableImageDeprecation: when the image counts as deprecated (it still launches). */
  deprecateAt?: number;
  /** EnableImageDeregistrationProtection; `disabledAt` plus the cooldown keeps a cooled-down image protected. */
  deregistrationProtection?: DeregistrationProtection;
  /** Under eventual consistency: until then EC2 answers NotFound for the image (absent: visible at once). */
  readonly settlesAt?: number;
}

/** A filesystem as the simulated shell knows it: the paths that exist, and the bytes of those whose contents are known (base64). */
export interface RootFiles {
  readonly files: ReadonlySet<string>;
  readonly contents: ReadonlyMap<string, string>;
}

/** An image's deregistration protection as Enable/DisableImageDeregistrationProtection left it. */
export interface DeregistrationProtection {
  readonly enabled: boolean;
  readonly withCooldown: boolean;
  /** When protection with a cooldown was disabled: the image stays protected for 24 hours after. */
  readonly disabledAt?: number;
}

/** One version of a launch template (only the data the simulator reads is modelled). */
export interface LaunchTemplateVersionRecord {
  readonly versionNumber: number;
  readonly description?: string;
  readonly createdAt: number;
  readonly imageId?: string;
  readonly instanceType?: string;
}

export interface LaunchTemplateRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly createdBy: string;
  defaultVersion: number;
  readonly versions: LaunchTemplateVersionRecord[];
  readonly tags: TagMap;
}

/** One version of a parameter. */
export interface ParameterVersion {
  readonly name: string;
  readonly type: string;
  readonly dataType: string;
  readonly value: string;
  readonly version: number;
  readonly lastModified: number;
  readonly description?: string;
}

export interface ParameterRecord extends ParameterVersion {
  /** The versions before this one, oldest first (GetParameterHistory). */
  readonly history?: ParameterVersion[];
}

/** One run of a script inside an invocation (a reboot via exit 194 starts another run). */
export interface ScriptRun {
  readonly start: number;
  readonly end: number;
  readonly exitCode: number;
}

export interface OutputLine {
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface InvocationRecord {
  readonly commandId: string;
  readonly instanceId: string;
  readonly documentName: string;
  /** The plugin whose status GetCommandInvocation reports (absent in states saved before it was kept). */
  readonly pluginName?: string;
  readonly comment?: string;
  readonly sentAt: number;
  readonly visibleAt: number;
  readonly startAt: number;
  readonly endAt: number;
  readonly status: 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
  readonly statusDetails: string;
  readonly responseCode: number;
  readonly runs: ScriptRun[];
  readonly output: OutputLine[];
  readonly logGroupName?: string;
  readonly parameters: Record<string, string[]>;
  readonly timeoutSeconds: number;
  /** SSM reports the invocation `Delayed` from when it was sent until then (the agent could not be reached), then `Pending`. */
  readonly delayedUntil?: number;
}

/** A subnet: one of the default VPC's (one per Availability Zone), or one added to the account. */
export interface SubnetRecord {
  readonly id: string;
  readonly vpcId: string;
  /** The zone's name in this account (`us-east-1a`). */
  readonly availabilityZone: string;
  /** The zone's id, the same in every account (`use1-az4`). */
  readonly availabilityZoneId: string;
  readonly cidrBlock: string;
  /** True for the default VPC's subnets: RunInstances without a subnet picks one of them. */
  readonly defaultForAz: boolean;
}

/** Everything one region holds. */
export class RegionState {
  readonly instances = new Map<string, InstanceRecord>();
  readonly volumes = new Map<string, VolumeRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  readonly images = new Map<string, ImageRecord>();
  readonly parameters = new Map<string, ParameterRecord>();
  /** Command invocations by `<command id>:<instance id>`. */
  readonly invocations = new Map<string, InvocationRecord>();
  /** RunInstances client tokens: the request fingerprint and the reservation it made. */
  readonly clientTokens = new Map<string, { readonly fingerprint: string; readonly reservationId: string }>();
  /** Launch templates by id. */
  readonly launchTemplates = new Map<string, LaunchTemplateRecord>();
  /** The account's own SSM documents by name (the AWS ones come from the bundled catalog). */
  readonly documents = new Map<string, DocumentRecord>();
  /** Subnets by id; `local/model/subnets.ts` adds the default VPC's on first use. */
  readonly subnets = new Map<string, SubnetRecord>();
  readonly defaultVpcId: string;
  readonly defaultSubnetId: string;
  readonly defaultSecurityGroupId: string;

  constructor(readonly name: string, ids: { vpc: string; subnet: string; sg: string }) {
    this.defaultVpcId = ids.vpc;
    this.defaultSubnetId = ids.subnet;
    this.defaultSecurityGroupId = ids.sg;
  }
}
