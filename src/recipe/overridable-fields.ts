/**
 * Which fields of a registered recipe a bake's `overrides` may change (`AmiBakery` `allowOverrides`). An override
 * never changes where an image goes, who may use it, what is deleted, which role is assumed, where the build
 * instance runs or how long it stays: those fields can never be allowed. The construct checks the allowed list
 * at synth; Prepare checks each bake's overrides against it.
 */

/** Fields an app may let bakes override, as document paths (everything beneath one is included). */
export const OVERRIDABLE_FIELDS = [
  'description', 'steps', 'tests', 'testInstance', 'keepUntestedImage', 'onFailure', 'windows', 'timeouts', 'rebuild',
  'ami.name', 'ami.description', 'ami.tags', 'ami.deprecateAfterDays',
  'instance.types', 'instance.rootVolume', 'instance.tags', 'instance.spot', 'instance.spotFallback', 'instance.userData',
] as const;

/** Fields no override may touch, with the reason. */
export const PROTECTED_FIELDS: Readonly<Record<string, string>> = {
  'schemaVersion': 'it is the document format',
  'name': 'the recipe name picks the images that retention and forceDeregister remove',
  'source': 'it decides what the image is made from, and the image may be shared outside the account',
  'distribution': 'it decides where the image goes, who may use it, which parameters point at it and which roles are assumed',
  'retention': 'it decides which images are deleted',
  'ami.forceDeregister': 'it decides which images are deleted',
  'ami.deregistrationProtection': 'it decides which images retention may delete',
  'ami.encrypted': 'it decides who may use the image (only an unencrypted image can be made public)',
  'ami.kmsKeyId': 'it decides who may use the image (whoever may use the key)',
  'instance.subnetIds': 'it decides where the build instance runs on the network',
  'instance.securityGroupIds': 'it decides what the build instance may reach',
  'keepOnFailure': 'it decides how long a build instance stays after a failure',
  'keepOnFailureHours': 'it decides how long a build instance stays after a failure',
};

/** True when `path` is `field` or lies beneath it. */
export function isWithin(path: string, field: string): boolean {
  return path === field || path.startsWith(`${field}.`);
}

/** Problems with an `allowOverrides` list: protected fields, fields that hold protected ones, and unknown fields. */
export function allowOverridesProblems(fields: readonly string[]): string[] {
  return fields.flatMap((field) => {
    const protectedField = Object.keys(PROTECTED_FIELDS).find((name) => isWithin(field, name) || isWithin(name, field));
    if (protectedField) {
      return [protectedField === field || isWithin(field, protectedField)
        ? `"${field}" can never be overridden: ${PROTECTED_FIELDS[protectedField]}`
        : `"${field}" holds "${protectedField}", which can never be overridden (${PROTECTED_FIELDS[protectedField]}); name the fields beneath it instead, such as "${field}.${overridableBeneath(field) ?? 'tags'}"`];
    }
    if (OVERRIDABLE_FIELDS.some((name) => isWithin(field, name))) return [];
    return [`"${field}" is not a recipe field that can be overridden; use one of ${OVERRIDABLE_FIELDS.join(', ')}`];
  });
}

function overridableBeneath(field: string): string | undefined {
  return OVERRIDABLE_FIELDS.find((name) => name.startsWith(`${field}.`))?.slice(field.length + 1);
}

/** The dotted paths of an overrides object's values: objects are walked, anything else (arrays too) is one value. */
export function overridePaths(overrides: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(overrides).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
    return isObject ? overridePaths(value as Record<string, unknown>, `${path}.`) : [path];
  });
}

/** The override paths that no allowed field covers. */
export function disallowedOverrides(overrides: Record<string, unknown>, allowed: readonly string[]): string[] {
  return overridePaths(overrides).filter((path) => !allowed.some((field) => isWithin(path, field)));
}
