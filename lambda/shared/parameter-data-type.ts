/**
 * `distribution.ssmParameter` is written with the data type `aws:ec2:image`, and SSM never changes an existing
 * parameter to or from that data type. A parameter of that name with another data type, in the bakery's region
 * or a copy region, would fail the bake after the image is made, so Prepare names it before anything is launched.
 */
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ssm } from './clients/ssm';
import { isAwsErrorNamed } from './errors';
import { logger } from './logger';

export const IMAGE_DATA_TYPE = 'aws:ec2:image';

/** The problems of parameters of this name that SSM would refuse to point at an image, one per region. */
export async function parameterDataTypeProblems(name: string | undefined, regions: readonly string[]): Promise<string[]> {
  if (name === undefined) return [];
  const problems = await Promise.all(regions.map((region) => problemIn(name, region)));
  return problems.filter((problem): problem is string => problem !== undefined);
}

async function problemIn(name: string, region: string): Promise<string | undefined> {
  logger.info('Checking the data type of the parameter the bake points at its image', { parameter: name, region });
  try {
    const { Parameter } = await ssm(region).send(new GetParameterCommand({ Name: name }));
    const dataType = Parameter?.DataType ?? 'text';
    if (dataType === IMAGE_DATA_TYPE) return undefined;
    return `distribution.ssmParameter: ${name} already exists in ${region} with data type ${dataType}, and SSM never changes a parameter ` +
      `to ${IMAGE_DATA_TYPE}; delete that parameter, or choose another name`;
  } catch (error) {
    if (isAwsErrorNamed(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
}
