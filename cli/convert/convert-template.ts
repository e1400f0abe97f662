/**
 * `bakery convert`'s one entry: a Packer template in either of its formats. A `.json` file is a legacy JSON
 * template; a folder or any other file is HCL2.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConvertError } from './hcl/syntax';
import type { Conversion } from './packer/convert-builds';
import { ConvertOptions, convertHclTemplate } from './packer/convert-hcl';
import { convertJsonTemplate } from './packer-json/convert-json';

export interface TemplateConversion extends Conversion {
  /** The template's folder: files inside it keep their place beside the recipes. */
  readonly root: string;
}

export async function convertTemplate(path: string, options: ConvertOptions): Promise<TemplateConversion> {
  try {
    return await convertFile(path, options);
  } catch (error) {
    // The parsers and the evaluator recurse; a template nested thousands of levels deep exhausts the stack.
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw new ConvertError(undefined, `${path}: nested too deeply to convert`);
    throw error;
  }
}

async function convertFile(path: string, options: ConvertOptions): Promise<TemplateConversion> {
  const folder = statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  const root = resolve(folder ? path : dirname(path));
  if (!folder && path.toLowerCase().endsWith('.json')) return { ...await convertJsonTemplate(path, options), root };
  return { ...await convertHclTemplate(path, options), root };
}
