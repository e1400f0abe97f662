/**
 * The script of a reboot step. With AWS-RunShellScript, exit code 194 asks the SSM agent to reboot
 * the instance and run the script again once it is back. A marker file makes the second run exit 0,
 * so the instance reboots exactly once and the invocation ends in Success.
 */

/** Where the markers live on the build instance (they end up in the image; they are a few bytes). */
export const REBOOT_MARKER_DIR = '/var/lib/cdk-ami-bakery';

/** The exit code that makes the SSM agent reboot and re-run the script (Linux). */
export const REBOOT_EXIT_CODE = 194;

/**
 * The marker path for a step (`3` for provisioning step 3, `tests-1` for the first test: a test instance starts
 * from the image, which holds the provisioning steps' markers); characters that need shell quoting are replaced in the build id.
 */
export function rebootMarkerPath(buildId: string, stepNumber: number | string): string {
  const safeBuildId = buildId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${REBOOT_MARKER_DIR}/reboot-${safeBuildId}-${stepNumber}`;
}

/** The commands (one per element) for reboot step `stepNumber` (counted from 1, or a marker id as above) of a build. */
export function rebootCommands(buildId: string, stepNumber: number | string): string[] {
  const marker = rebootMarkerPath(buildId, stepNumber);
  return [
    `if [ -f ${marker} ]; then exit 0; fi`,
    `mkdir -p ${REBOOT_MARKER_DIR}`,
    `touch ${marker}`,
    `exit ${REBOOT_EXIT_CODE}`,
  ];
}
