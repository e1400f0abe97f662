/** Defaults the construct documents and the handlers apply, and the CLI and the simulator show. */

/** The key prefix of the manifests written to the `manifestBucket`. */
export const DEFAULT_MANIFEST_PREFIX = 'manifests/';

/** The AMI name template when a recipe gives none (`ami.name`, `amiName`). */
export const DEFAULT_NAME_TEMPLATE = '{{recipe}}-{{timestamp}}';

/** The build instance's type when a recipe names none: by the source image's architecture, and for Windows. */
export const DEFAULT_INSTANCE_TYPES = { x86_64: 't3.small', arm64: 't4g.small', windows: 't3.medium' } as const;
