/** Small builders of the hand-written cases: HCL and JSON templates, garbage, big templates, and cases holding them. */
import { Case } from './cases';
import { below, seeded } from './random';

export const source = (amiName = '"x"', extra = '') => `source "amazon-ebs" "x" {
  source_ami    = "ami-12345678"
  instance_type = "t3.micro"
  ami_name      = ${amiName}
${extra}}

build {
  sources = ["source.amazon-ebs.x"]
}
`;
export const withLocal = (expression: string) => `locals {\n  value = ${expression}\n}\n${source('"x-${jsonencode(local.value)}"')}`;
export const nested = (depth: number, open: string, inner: string, close: string) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
export const jsonBuilder = (extra: Record<string, unknown> = {}) =>
  ({ type: 'amazon-ebs', source_ami: 'ami-12345678', instance_type: 't3.micro', ami_name: 'x', ...extra });
export const jsonTemplate = (document: unknown) => JSON.stringify(document, null, 2);

export function garbage(seed: string, length: number): Buffer {
  const random = seeded(seed);
  return Buffer.from(Array.from({ length }, () => below(random, 256)));
}

export function bigHclTemplate(): string {
  const variables = Array.from({ length: 20_000 }, (_, index) => `variable "v${index}" {\n  type    = string\n  default = "${'x'.repeat(60)}"\n}\n`);
  return `${variables.join('')}${source('"x-${var.v19999}"')}`;
}

export function bigJsonTemplate(): string {
  const inline = Array.from({ length: 25_000 }, (_, index) => `echo line ${index} ${'y'.repeat(60)}`);
  return jsonTemplate({ builders: [jsonBuilder()], provisioners: [{ type: 'shell', inline }] });
}

export const hcl = (description: string, text: string | Buffer, extra: Partial<Case> = {}): Case =>
  ({ label: 'hand-written', description, files: { 'x.pkr.hcl': text }, template: 'x.pkr.hcl', ...extra });
export const json = (description: string, text: string | Buffer, extra: Partial<Case> = {}): Case =>
  ({ label: 'hand-written', description, files: { 'x.json': text }, template: 'x.json', ...extra });
export const folder = (description: string, files: Case['files'], extra: Partial<Case> = {}): Case =>
  ({ label: 'hand-written', description, files, template: '.', ...extra });

export const LIST_VARIABLE = `variable "xs" {\n  type = list(string)\n}\n${source('join("-", var.xs)')}`;
