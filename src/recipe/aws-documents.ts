/**
 * The parameter schemas of the AWS-owned SSM Command documents the bakery knows, copied from the documents'
 * own content (names, types, defaults, allowedValues and allowedPattern exactly as each document declares them),
 * so a recipe step that runs one of them can be checked before a build instance is launched.
 *
 * Sources: the public mirror `ceshihao/ssm-public-documents` (`documents/<NAME>.json`) for AWS-ApplyAnsiblePlaybooks,
 * AWS-ConfigureAWSPackage, AWS-RunPatchBaseline, AWS-UpdateSSMAgent, AWS-ConfigureDocker and AWS-InstallApplication;
 * AWS-RunShellScript, AWS-RunPowerShellScript and AWS-RunRemoteScript are not in that mirror, and come from published
 * copies of their content (the AWS CLI `get-document` example, SSM Agent test fixtures, the AWS Systems Manager
 * user guide); see each entry. Platforms follow the AWS Command document plugin reference: `aws:runShellScript` runs
 * on Linux and macOS, `aws:runPowerShellScript` is taken as Windows, a `platformType` precondition limits its step,
 * and plugins outside macOS's supported list (`aws:downloadContent`, `aws:configurePackage`, `aws:configureDocker`,
 * `aws:applications`) do not run there.
 */

/** An SSM document parameter's type, as the document declares it. */
export type DocumentParameterType = 'String' | 'StringList' | 'StringMap' | 'Boolean' | 'Integer' | 'MapList';

/** One parameter of an SSM document. */
export interface DocumentParameter {
  /** The parameter's type, as the document declares it. */
  readonly type: DocumentParameterType;
  /** The document's default; a parameter without a default is required. Omit the key entirely when the document gives none. */
  readonly default?: string | number | boolean | readonly string[] | Readonly<Record<string, unknown>>;
  /** The only values the document accepts, when it lists them. */
  readonly allowedValues?: readonly string[];
  /** The pattern a value must match, as the document writes it (a string, not a RegExp). */
  readonly allowedPattern?: string;
  /** The fewest items a list parameter accepts. */
  readonly minItems?: number;
  /** The most items a list parameter accepts. */
  readonly maxItems?: number;
  /** The first sentence of the document's description of the parameter, at most 160 characters. */
  readonly description: string;
}

/** An operating system platform an SSM document runs on. */
export type DocumentPlatform = 'Linux' | 'Windows' | 'MacOS';

/** What the bakery knows of one AWS-owned Command document. */
export interface DocumentDefinition {
  /** The document's name. */
  readonly name: string;
  /** The document's own description, first sentence, at most 160 characters. */
  readonly description: string;
  /** The platforms at least one of the document's steps runs on. */
  readonly platforms: readonly DocumentPlatform[];
  /** The document's parameters, by name. */
  readonly parameters: Readonly<Record<string, DocumentParameter>>;
  /**
   * The parameter that limits how long the document runs on the instance (for example `executionTimeout` of
   * AWS-RunShellScript, `TimeoutSeconds` of AWS-ApplyAnsiblePlaybooks), when it has one, with its largest accepted value
   * in seconds, taken from its allowedPattern (e.g. `^[1-9][0-9]{0,3}$` → 9999) or documented maximum.
   */
  readonly timeoutParameter?: { readonly name: string; readonly maxSeconds: number };
}

/** The allowedPattern of `executionTimeout` in AWS-RunShellScript and AWS-RunPowerShellScript: 1 to 172800 seconds. */
export const EXECUTION_TIMEOUT_48H_PATTERN = '([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)';

/** The AWS-owned Command documents the bakery knows, by name. */
export const AWS_DOCUMENTS: Readonly<Record<string, DocumentDefinition>> = {
  /*
   * Schema 1.2, runtimeConfig `aws:runShellScript` without precondition. Content as AWS serves it: the AWS CLI
   * `ssm get-document --name AWS-RunShellScript` example, matching a copy taken from the SSM console.
   */
  'AWS-RunShellScript': {
    name: 'AWS-RunShellScript',
    description: 'Run a shell script or specify the commands to run.',
    platforms: ['Linux', 'MacOS'],
    parameters: {
      commands: {
        type: 'StringList',
        minItems: 1,
        description: '(Required) Specify a shell script or a command to run.',
      },
      workingDirectory: {
        type: 'String',
        default: '',
        description: '(Optional) The path to the working directory on your instance.',
      },
      executionTimeout: {
        type: 'String',
        default: '3600',
        allowedPattern: EXECUTION_TIMEOUT_48H_PATTERN,
        description: '(Optional) The time in seconds for a command to complete before it is considered to have failed.',
      },
    },
    timeoutParameter: { name: 'executionTimeout', maxSeconds: 172800 },
  },

  /*
   * Schema 1.2, runtimeConfig `aws:runPowerShellScript` without precondition. Content as in the SSM Agent's own test
   * fixtures for AWS-RunPowerShellScript (the 48-hour version; older copies allow at most 28800 seconds).
   */
  'AWS-RunPowerShellScript': {
    name: 'AWS-RunPowerShellScript',
    description: 'Run a PowerShell script or specify the paths to scripts to run.',
    platforms: ['Windows'],
    parameters: {
      commands: {
        type: 'StringList',
        minItems: 1,
        description: '(Required) Specify the commands to run or the paths to existing scripts on the instance.',
      },
      workingDirectory: {
        type: 'String',
        default: '',
        description: '(Optional) The path to the working directory on your instance.',
      },
      executionTimeout: {
        type: 'String',
        default: '3600',
        allowedPattern: EXECUTION_TIMEOUT_48H_PATTERN,
        description: '(Optional) The time in seconds for a command to be completed before it is considered to have failed.',
      },
    },
    timeoutParameter: { name: 'executionTimeout', maxSeconds: 172800 },
  },

  /*
   * Schema 2.2: `aws:downloadContent`, then the command line runs with `#!` support on Linux and file associations on
   * Windows. Not in the mirror: description, `sourceType` and `sourceInfo` come from a verbatim YAML copy of the document;
   * `commandLine`, `workingDirectory` and `executionTimeout` from copies of its content in public CDK code, whose
   * executionTimeout allows at most 28800 seconds. No default is recorded where none could be confirmed.
   */
  'AWS-RunRemoteScript': {
    name: 'AWS-RunRemoteScript',
    description: 'Execute scripts stored in a remote location.',
    platforms: ['Linux', 'Windows'],
    parameters: {
      sourceType: {
        type: 'String',
        allowedValues: ['GitHub', 'S3'],
        description: '(Required) Specify the source type.',
      },
      sourceInfo: {
        type: 'StringMap',
        description: '(Required) Specify the information required to access the resource from the source.',
      },
      commandLine: {
        type: 'String',
        description: '(Required) Specify the command line to be executed.',
      },
      workingDirectory: {
        type: 'String',
        default: '',
        description: '(Optional) The path where the content will be downloaded and executed from on your instance.',
      },
      executionTimeout: {
        type: 'String',
        default: '3600',
        allowedPattern: '([1-9][0-9]{0,3})|(1[0-9]{1,4})|(2[0-7][0-9]{1,3})|(28[0-7][0-9]{1,2})|(28800)',
        description: '(Optional) The time in seconds for a command to complete before it is considered to have failed.',
      },
    },
    timeoutParameter: { name: 'executionTimeout', maxSeconds: 28800 },
  },

  /*
   * Schema 2.2: `aws:downloadContent`, then `aws:runShellScript` without precondition. Not MacOS: `aws:downloadContent`
   * is not among the plugins SSM supports on macOS. `TimeoutSeconds` allows 1 to 9999 seconds.
   */
  'AWS-ApplyAnsiblePlaybooks': {
    name: 'AWS-ApplyAnsiblePlaybooks',
    description: 'Use this document to run Ansible Playbooks on Systems Manager managed instances.',
    platforms: ['Linux'],
    parameters: {
      SourceType: {
        type: 'String',
        allowedValues: ['GitHub', 'S3'],
        description: '(Optional) Specify the source type.',
      },
      SourceInfo: {
        type: 'StringMap',
        default: {},
        description: '(Optional) Specify the information required to access the resource from the specified source type.',
      },
      InstallDependencies: {
        type: 'String',
        default: 'True',
        allowedValues: ['True', 'False'],
        description: '(Required) If set to True, Systems Manager installs Ansible and its dependencies, including Python, from the PyPI repo.',
      },
      PlaybookFile: {
        type: 'String',
        default: 'hello-world-playbook.yml',
        allowedPattern: '[(a-z_A-Z0-9\\-\\.)/]+(.yml|.yaml)$',
        description: '(Optional) The Playbook file to run (including relative path).',
      },
      ExtraVariables: {
        type: 'String',
        default: 'SSM=True',
        allowedPattern: "^$|^\\w+\\=(([^\\s|:();&]+)|('[^|:();&]+'))(\\s+\\w+\\=(([^\\s|:();&]+)|('[^|:();&]+')))*$",
        description: '(Optional) Additional variables to pass to Ansible at runtime.',
      },
      Check: {
        type: 'String',
        default: 'False',
        allowedValues: ['True', 'False'],
        description: '(Optional) Use this parameter to run a check of the Ansible execution.',
      },
      Verbose: {
        type: 'String',
        default: '-v',
        allowedValues: ['-v', '-vv', '-vvv', '-vvvv'],
        description: '(Optional) Set the verbosity level for logging Playbook executions.',
      },
      TimeoutSeconds: {
        type: 'String',
        default: '3600',
        allowedPattern: '^[1-9][0-9]{0,3}$',
        description: '(Optional) The time in seconds for a command to be completed before it is considered to have failed.',
      },
    },
    timeoutParameter: { name: 'TimeoutSeconds', maxSeconds: 9999 },
  },

  /*
   * Schema 2.2: a Windows-only `aws:runPowerShellScript` step, then `aws:configurePackage` (Windows Server and Linux).
   * No parameter limits the run time.
   */
  'AWS-ConfigureAWSPackage': {
    name: 'AWS-ConfigureAWSPackage',
    description: 'Install or uninstall a Distributor package.',
    platforms: ['Linux', 'Windows'],
    parameters: {
      action: {
        type: 'String',
        allowedValues: ['Install', 'Uninstall'],
        description: '(Required) Specify whether or not to install or uninstall the package.',
      },
      installationType: {
        type: 'String',
        default: 'Uninstall and reinstall',
        allowedValues: ['Uninstall and reinstall', 'In-place update'],
        description: '(Optional) Specify the type of installation.',
      },
      name: {
        type: 'String',
        allowedPattern: '^arn:[a-z0-9][-.a-z0-9]{0,62}:[a-z0-9][-.a-z0-9]{0,62}:([a-z0-9][-.a-z0-9]{0,62})?:([a-z0-9][-.a-z0-9]{0,62})?:(package|document)\\/[a-zA-Z0-9/:.\\-_]{1,128}$|^[a-zA-Z0-9/:.\\-_]{1,128}$',
        description: '(Required) The package to install/uninstall.',
      },
      version: {
        type: 'String',
        default: '',
        description: '(Optional) The version of the package to install or uninstall.',
      },
      additionalArguments: {
        type: 'StringMap',
        default: {},
        description: '(Optional) The additional parameters to provide to your install, uninstall, or update scripts.',
      },
    },
  },

  /*
   * Schema 2.2: PatchWindows (`aws:runPowerShellScript`, precondition Windows), PatchLinux and PatchMacOS
   * (`aws:runShellScript`, preconditions Linux and MacOS), each with a fixed timeoutSeconds of 7200 that no parameter
   * changes.
   */
  'AWS-RunPatchBaseline': {
    name: 'AWS-RunPatchBaseline',
    description: 'Scans for or installs patches from a patch baseline to a Linux, Windows or MacOS operating system.',
    platforms: ['Linux', 'Windows', 'MacOS'],
    parameters: {
      Operation: {
        type: 'String',
        allowedValues: ['Scan', 'Install'],
        description: '(Required) The update or configuration to perform on the instance.',
      },
      SnapshotId: {
        type: 'String',
        default: '',
        allowedPattern: '(^$)|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
        description: '(Optional) The snapshot ID to use to retrieve a patch baseline snapshot.',
      },
      InstallOverrideList: {
        type: 'String',
        default: '',
        allowedPattern: '(^$)|^(https|s3)://([^/]+)/(([^/]+)/)*[^/]+$',
        description: '(Optional) An https URL or an Amazon S3 path-style URL to the list of patches to be installed.',
      },
      BaselineOverride: {
        type: 'String',
        default: '',
        allowedPattern: '(^$)|^(https|s3)://([^/]+)/(([^/]+)/)*[^/]+$',
        description: '(Optional) An https URL or an Amazon S3 path-style URL to a list of baseline objects.',
      },
      RebootOption: {
        type: 'String',
        default: 'RebootIfNeeded',
        allowedValues: ['RebootIfNeeded', 'NoReboot'],
        description: '(Optional) Reboot behavior after a patch Install operation.',
      },
      AssociationId: {
        type: 'String',
        default: '',
        allowedPattern: '^((([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}){0,1})$',
        description: '(Optional) The Association ID of the State Manager Association executing the document.',
      },
    },
  },

  /*
   * Schema 2.2: a Windows-only `aws:runPowerShellScript` step, then `aws:updateSsmAgent` (Linux, Windows Server and
   * macOS). No parameter limits the run time.
   */
  'AWS-UpdateSSMAgent': {
    name: 'AWS-UpdateSSMAgent',
    description: 'Update the Amazon SSM Agent to the latest version or specified version.',
    platforms: ['Linux', 'Windows', 'MacOS'],
    parameters: {
      version: {
        type: 'String',
        default: '',
        description: '(Optional) A specific version of the Amazon SSM Agent to install.',
      },
      allowDowngrade: {
        type: 'String',
        default: 'false',
        allowedValues: ['true', 'false'],
        description: '(Optional) Allow the Amazon SSM Agent service to be downgraded to an earlier version.',
      },
    },
  },

  /*
   * Schema 2.2: a Windows-only cleanup step, then `aws:configureDocker` (Linux and Windows Server). The document's
   * description has no closing period.
   */
  'AWS-ConfigureDocker': {
    name: 'AWS-ConfigureDocker',
    description: 'Configure an instance to work with containers and Docker',
    platforms: ['Linux', 'Windows'],
    parameters: {
      action: {
        type: 'String',
        allowedValues: ['Install', 'Uninstall'],
        description: 'The type of action to perform.',
      },
    },
  },

  /* Schema 2.2: a Windows-only `aws:runPowerShellScript` step, then `aws:applications` (Windows Server only). */
  'AWS-InstallApplication': {
    name: 'AWS-InstallApplication',
    description: 'Install, repair, or uninstall an application using an .msi file.',
    platforms: ['Windows'],
    parameters: {
      action: {
        type: 'String',
        default: 'Install',
        allowedValues: ['Install', 'Repair', 'Uninstall'],
        description: '(Optional) The type of action to perform.',
      },
      parameters: {
        type: 'String',
        default: '',
        allowedPattern: "^[^']*$",
        description: '(Optional) The parameters for the installer.',
      },
      source: {
        type: 'String',
        allowedPattern: "^[^']*$",
        description: '(Required) The URL or local path on the instance to the application .msi file.',
      },
      sourceHash: {
        type: 'String',
        default: '',
        allowedPattern: '^[A-Za-z0-9]*$',
        description: '(Optional) The SHA256 hash of the .msi file.',
      },
    },
  },
};
