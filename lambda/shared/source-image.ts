/**
 * Resolves a recipe's `source` to one available image: by id, through an SSM parameter that holds
 * an id (AWS publishes current images under `/aws/service/...`), or by a name filter (newest wins).
 */
import { DescribeImagesCommand, Filter, Image } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ec2 } from './clients/ec2';
import { ssm } from './clients/ssm';
import { isAwsErrorNamed, SourceImageNotFound } from './errors';
import { describeImage } from './images';
import { logger } from './logger';
import type { RecipeDocument } from './recipe-schema';

type Source = RecipeDocument['source'];
type SourceFilter = NonNullable<Source['filter']>;

/** The image a source names; throws `SourceImageNotFound` saying what was searched. */
export async function resolveSourceImage(source: Source, region: string): Promise<Image> {
  if (source.amiId) return imageById(source.amiId, `source.amiId ${source.amiId}`, region);
  if (source.ssmParameter) return imageById(await amiIdFromParameter(source.ssmParameter, region), `source.ssmParameter ${source.ssmParameter}`, region);
  if (source.filter) return newestImageMatching(source.filter, region);
  throw new SourceImageNotFound('source: set one of amiId, ssmParameter or filter');
}

/** The available image with this id. */
async function imageById(amiId: string, what: string, region: string): Promise<Image> {
  logger.info('Describing source image', { amiId });
  const image = await describeImage(amiId);
  if (!image) {
    throw new SourceImageNotFound(`${what}: image ${amiId} was not found in ${region}, or this account may not use it`);
  }
  if (image.State !== 'available') {
    throw new SourceImageNotFound(`${what}: image ${amiId} is ${image.State ?? 'in an unknown state'}, not available`);
  }
  return image;
}

/** The AMI id an SSM parameter holds. */
async function amiIdFromParameter(name: string, region: string): Promise<string> {
  logger.info('Reading source image parameter', { parameter: name });
  try {
    const { Parameter } = await ssm().send(new GetParameterCommand({ Name: name }));
    const value = Parameter?.Value?.trim();
    if (!value?.startsWith('ami-')) {
      // Never the value itself: a parameter may hold a secret, and this message reaches the caller and the logs.
      throw new SourceImageNotFound(`source.ssmParameter ${name}: does not hold an AMI id (ami-...); name a parameter whose value is one`);
    }
    return value;
  } catch (error) {
    if (isAwsErrorNamed(error, 'ParameterNotFound')) {
      throw new SourceImageNotFound(`source.ssmParameter ${name}: no such SSM parameter in ${region}`);
    }
    throw error;
  }
}

/** The newest available image matching a filter. */
async function newestImageMatching(filter: SourceFilter, region: string): Promise<Image> {
  const filters: Filter[] = [
    { Name: 'name', Values: [filter.name] },
    ...(filter.architecture ? [{ Name: 'architecture', Values: [filter.architecture] }] : []),
    { Name: 'state', Values: ['available'] },
  ];
  logger.info('Searching source images', { owners: filter.owners, filters });
  const { Images } = await ec2().send(new DescribeImagesCommand({ Owners: filter.owners, Filters: filters }));
  const newest = newestFirst(Images ?? [])[0];
  if (!newest) {
    const architecture = filter.architecture ? `, architecture ${filter.architecture}` : '';
    throw new SourceImageNotFound(
      `source.filter: no available image named "${filter.name}"${architecture} owned by ${filter.owners.join(', ')} in ${region}`,
    );
  }
  return newest;
}

/** Images sorted by creation date, newest first. */
export function newestFirst(images: readonly Image[]): Image[] {
  const time = (image: Image) => Date.parse(image.CreationDate ?? '') || 0;
  return [...images].sort((a, b) => time(b) - time(a));
}
