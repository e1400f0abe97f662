/** A Packer HCL2 template (a file or a folder) converted into recipes. */
import { BuildSelection, Conversion, convertBuilds } from './convert-builds';
import { loadTemplate } from './load-template';
import type { VariableInputs } from './variables';

export interface ConvertOptions extends VariableInputs, BuildSelection {}

export async function convertHclTemplate(path: string, options: ConvertOptions): Promise<Conversion> {
  return convertBuilds(await loadTemplate(path, options), options);
}
