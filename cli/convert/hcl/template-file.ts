/**
 * The text of a `templatefile()` file as a template: literal text and `${...}` interpolations, parsed by the HCL
 * grammar as the body of a heredoc whose delimiter the text does not contain.
 */
import { loadedHclParser } from './grammar';
import { readExpression } from './parse-hcl';
import { ConvertError, Expression } from './syntax';

export function parseTemplateText(file: string, text: string): (string | Expression)[] {
  let delimiter = 'BAKERY_TEMPLATE';
  while (text.includes(delimiter)) delimiter += '_';
  const wrapped = `template = <<${delimiter}\n${text}${text.endsWith('\n') ? '' : '\n'}${delimiter}\n`;
  const tree = loadedHclParser().parse(wrapped);
  const attribute = tree?.rootNode.namedChildren[0]?.namedChildren[0];
  const value = attribute?.namedChildren[1];
  if (!tree || tree.rootNode.hasError || !value) throw new ConvertError({ file, line: 1 }, 'templatefile(): the file is not a valid template');
  const expression = readExpression({ file, text: wrapped }, value);
  const parts = expression.kind === 'template' ? expression.parts : [expression];
  // The wrapper adds a line before the text, and a newline when the file has none at its end.
  return parts.map((part) => (typeof part === 'string' ? part : { ...part, line: part.line - 1 }))
    .map((part, index, all) => (index === all.length - 1 && typeof part === 'string' && !text.endsWith('\n') ? part.replace(/\n$/, '') : part));
}
