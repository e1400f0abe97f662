/**
 * Which files make a Packer HCL2 template, by Packer's rules: a folder is every `*.pkr.hcl` in it (in name order)
 * plus the `*.auto.pkrvars.hcl` beside them, which set variables; a file is itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConvertError } from '../hcl/syntax';

export interface TemplateFiles {
  /** The folder the template is in: `path.root`. */
  readonly root: string;
  readonly templates: { readonly file: string; readonly text: string }[];
  /** `*.auto.pkrvars.hcl` files, loaded before any `--var-file`. */
  readonly autoVarFiles: string[];
}

export function templateFiles(path: string): TemplateFiles {
  const stat = statOf(path);
  if (!stat.isDirectory()) return { root: dirname(path), templates: [{ file: path, text: readText(path) }], autoVarFiles: [] };
  const names = readdirSync(path).sort();
  const templates = names.filter((name) => name.endsWith('.pkr.hcl')).map((name) => join(path, name));
  if (templates.length === 0) {
    const json = names.find((name) => name.endsWith('.json'));
    throw new ConvertError(undefined, `${path}: the folder holds no *.pkr.hcl file${json ? `; for a JSON template, give the file: ${join(path, json)}` : ''}`);
  }
  return {
    root: path,
    templates: templates.map((file) => ({ file, text: readText(file) })),
    autoVarFiles: names.filter((name) => name.endsWith('.auto.pkrvars.hcl')).map((name) => join(path, name)),
  };
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    throw new ConvertError(undefined, `${path}: no such file or folder`);
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConvertError(undefined, `${path}: cannot be read`);
  }
}
