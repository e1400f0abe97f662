/**
 * Where a bake starts: the base image the temporary build instance boots from.
 */
import { Token } from 'aws-cdk-lib';
import { InstanceArchitecture } from 'aws-cdk-lib/aws-ec2';
import { IStringParameter } from 'aws-cdk-lib/aws-ssm';

/** Options for {@link SourceImage.fromFilter}. */
export interface SourceImageFilterOptions {
  /**
   * Accounts that own the image: account ids, `self`, `amazon`, or an owner alias.
   * Canonical (Ubuntu) is `099720109477`.
   */
  readonly owners: string[];
  /**
   * Image name pattern; `*` and `?` are wildcards, e.g. `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*`.
   */
  readonly name: string;
  /**
   * Processor architecture of the image. Set it whenever the name pattern matches several. For i386 or Mac images,
   * use a recipe document's `source.filter.architecture`.
   * @default - any architecture
   */
  readonly architecture?: InstanceArchitecture;
}

/** Options for {@link SourceImage.windows}. */
export interface WindowsSourceOptions {
  /**
   * Server Core (no desktop experience) instead of the full installation.
   * @default false
   */
  readonly core?: boolean;
}

/**
 * The base image of a recipe: exactly one of an AMI id, an SSM parameter, or a filter (newest wins).
 */
export abstract class SourceImage {
  /** A fixed AMI id, e.g. `ami-0123456789abcdef0`. Bakes are repeatable, but never pick up base image patches. */
  public static fromAmiId(amiId: string): SourceImage {
    return new RenderedSourceImage({ amiId }, undefined);
  }

  /**
   * An SSM parameter that holds an AMI id, read at the start of every bake: its name, or a parameter of the app
   * (`StringParameter.fromStringParameterName()`, or one the app creates), which the bakery is then allowed to read.
   * The public parameters under `/aws/service/` always point at the latest patched base image.
   */
  public static fromSsmParameter(parameter: string | IStringParameter): SourceImage {
    if (typeof parameter === 'string') return new RenderedSourceImage({ ssmParameter: parameter }, undefined);
    return new RenderedSourceImage({ ssmParameter: parameter.parameterName }, undefined, parameter);
  }

  /** The newest available image that matches owners, name pattern and architecture. */
  public static fromFilter(options: SourceImageFilterOptions): SourceImage {
    return new RenderedSourceImage({ filter: { ...options } }, knownArchitecture(options.architecture));
  }

  /**
   * Ubuntu Server from Canonical's public SSM parameter (gp3 root volume).
   * @param version the release, e.g. `22.04`; default `24.04`
   * @param architecture the CPU architecture; default `InstanceArchitecture.X86_64` (Canonical's `amd64`)
   */
  public static ubuntu(version: string = '24.04', architecture: InstanceArchitecture = InstanceArchitecture.X86_64): SourceImage {
    const canonicalName = architecture === InstanceArchitecture.X86_64 ? 'amd64' : architecture;
    return new RenderedSourceImage(
      { ssmParameter: `/aws/service/canonical/ubuntu/server/${version}/stable/current/${canonicalName}/hvm/ebs-gp3/ami-id` },
      knownArchitecture(architecture),
    );
  }

  /**
   * Amazon Linux 2023 from its public SSM parameter.
   * @param architecture the CPU architecture; default `InstanceArchitecture.X86_64`
   */
  public static amazonLinux2023(architecture: InstanceArchitecture = InstanceArchitecture.X86_64): SourceImage {
    return new RenderedSourceImage(
      { ssmParameter: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}` },
      knownArchitecture(architecture),
    );
  }

  /**
   * Windows Server (English, 64-bit) from AWS's public SSM parameter under `/aws/service/ami-windows-latest/`. The bake
   * runs on Windows: steps are `powershell`, `script` (`.ps1`), `file`, `document` and `reboot`, and the instance is
   * generalised with EC2Launch v2's sysprep before it is imaged (see the recipe's `windowsSysprep`).
   */
  public static windows(version: string = '2022', options: WindowsSourceOptions = {}): SourceImage {
    if (!Token.isUnresolved(version) && !WINDOWS_VERSIONS.includes(version)) {
      throw new Error(`SourceImage.windows: version "${version}" is not one the bakery knows; use one of ${WINDOWS_VERSIONS.join(', ')}, ` +
        'or SourceImage.fromSsmParameter with the parameter of the image you want');
    }
    const edition = options.core ? 'Core' : 'Full';
    return new RenderedSourceImage({ ssmParameter: `/aws/service/ami-windows-latest/Windows_Server-${version}-English-${edition}-Base` }, 'x86_64');
  }

  /**
   * The image's CPU architecture (`x86_64` or `arm64`) when it is known at synth time; undefined when the
   * image is only known when a bake starts (an AMI id, an SSM parameter, a filter without architecture).
   * @internal
   */
  public abstract readonly _architecture?: string;

  /**
   * The app's SSM parameter the image is read from, which Prepare is allowed to read; undefined for a parameter
   * given by name (allowed by its name) and for the other kinds of source.
   * @internal
   */
  public abstract readonly _parameter?: IStringParameter;

  protected constructor() {}

  /**
   * The `source` object of the recipe document.
   * @internal
   */
  public abstract _render(): Record<string, unknown>;
}

/** The Windows Server versions {@link SourceImage.windows} knows. */
const WINDOWS_VERSIONS = ['2016', '2019', '2022', '2025'];

class RenderedSourceImage extends SourceImage {
  constructor(
    private readonly source: Record<string, unknown>,
    public readonly _architecture: string | undefined,
    public readonly _parameter?: IStringParameter,
  ) {
    super();
  }

  public _render(): Record<string, unknown> {
    return this.source;
  }
}

/** `x86_64` or `arm64`; undefined for a token. */
function knownArchitecture(architecture: InstanceArchitecture | undefined): string | undefined {
  if (architecture === undefined || Token.isUnresolved(architecture)) return undefined;
  return architecture;
}
