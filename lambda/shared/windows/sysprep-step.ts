/**
 * The last provisioning step of a Windows build: EC2Launch v2 generalises the instance (`EC2Launch.exe sysprep
 * --clean`: Sysprep, with the instance's own state and logs removed), so every instance launched from the image
 * gets its own identity, as AWS's own Windows AMIs do. It leaves the instance running; the bakery then stops it
 * and images it as usual. A recipe turns it off with `"windows": {"sysprep": false}`.
 */
import { SYSPREP_TIMEOUT_SECONDS } from '../../../src/recipe/timeouts';
import type { ProvisioningStep } from '../step-schema';
import type { BuildContext } from '../types';

/** Where EC2Launch v2 is installed on AWS's Windows Server images. */
export const EC2LAUNCH_PATH = '$env:ProgramFiles\\Amazon\\EC2Launch\\EC2Launch.exe';

export const SYSPREP_STEP_NAME = 'generalise with EC2Launch sysprep';

/** The generalise step, for the builds that get one. */
export function sysprepSteps(build: BuildContext): ProvisioningStep[] {
  if (build.platform !== 'windows' || build.recipe.windows?.sysprep === false) return [];
  return [{
    powershell: {
      name: SYSPREP_STEP_NAME,
      commands: [
        `$ec2launch = "${EC2LAUNCH_PATH}"`,
        "if (-not (Test-Path -LiteralPath $ec2launch)) { throw 'EC2Launch v2 is not installed, so the image cannot be generalised; " +
          "install EC2Launch v2 in an earlier step, or set \"windows\": {\"sysprep\": false} to image it as it is' }",
        '& $ec2launch sysprep --clean',
      ],
      timeoutSeconds: SYSPREP_TIMEOUT_SECONDS,
    },
  }];
}
