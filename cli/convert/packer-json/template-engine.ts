/**
 * Packer's legacy JSON-template engine (Go's text/template with Packer's functions), rendering one string value of a
 * JSON template: text outside `{{ }}` is kept, `{{- ` and ` -}}` trim the white space next to an action, a comment
 * (slash-star ... star-slash right inside the braces) renders nothing, and each action is evaluated (`template-actions.ts`) with Packer's functions
 * (`template-functions.ts`). Values known only when the image is baked become bake-time markers, as in the HCL
 * converter. Every problem is a ConvertError: `file:line: <what> in "<text>": <fix>`.
 */
import { evaluateAction } from './template-actions';
import { callFunction, fieldValue } from './template-functions';
import { Fail, isSpace, lexAction, TemplateValue } from './template-lexer';
import { ConvertError, Place } from '../hcl/syntax';

export interface EngineContext {
  /** User variables, already resolved (`{{user `x`}}`); a name absent from the map is an error naming it. */
  readonly user: (name: string, place: Place) => string;
  /** The environment (`{{env `X`}}`): only allowed inside the `variables` section's defaults, as in Packer; elsewhere an error. */
  readonly env?: NodeJS.ProcessEnv;
  /** The template's folder (`{{template_dir}}`), absolute. */
  readonly templateDir: string;
  /** The builder's name (`{{build_name}}`), where Packer knows it; elsewhere `build_name` is an error, as in Packer. */
  readonly buildName?: string;
  /** The builder's type (`{{build_type}}`), such as `amazon-ebs`. */
  readonly buildType?: string;
  /** Where the string is written, for errors. */
  readonly place: Place;
}

/** Renders one JSON string value of a Packer JSON template. */
export function renderTemplateString(text: string, context: EngineContext): string {
  const fail: Fail = (what, fix) => {
    throw new ConvertError(context.place, `${what} in "${text}": ${fix}`);
  };
  let output = '';
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    if (open < 0) return output + text.slice(at);
    const trimBefore = text[open + 2] === '-' && isSpace(text[open + 3]);
    const before = text.slice(at, open);
    output += trimBefore ? before.replace(/[ \t\r\n]+$/, '') : before;
    const action = renderAction(text, open + (trimBefore ? 4 : 2), context, fail);
    output += action.output;
    at = action.end;
    if (action.trimAfter) while (isSpace(text[at])) at += 1;
  }
  return output;
}

interface RenderedAction {
  readonly output: string;
  readonly end: number;
  readonly trimAfter: boolean;
}

function renderAction(text: string, start: number, context: EngineContext, fail: Fail): RenderedAction {
  if (text.startsWith('/*', start)) return comment(text, start, fail);
  const action = lexAction(text, start, fail);
  const value = evaluateAction(action.tokens, {
    call: (name, args) => callFunction(args, { name, context, fail }),
    field: (path) => fieldValue(path, { context, fail }),
    fail,
  });
  return { output: show(value), end: action.end, trimAfter: action.trimAfter };
}

/** A comment action (`{{/` `* ... *` `/}}`, with trim markers or not): nothing, if it ends right at the closing delimiter. */
function comment(text: string, start: number, fail: Fail): RenderedAction {
  const close = text.indexOf('*/', start + 2);
  if (close < 0) fail('unclosed comment', 'close it with */}}');
  const after = close + 2;
  if (text.startsWith('}}', after)) return { output: '', end: after + 2, trimAfter: false };
  if (isSpace(text[after]) && text.startsWith('-}}', after + 1)) return { output: '', end: after + 4, trimAfter: true };
  return fail('comment ends before the closing delimiter', 'write the comment as {{/* comment */}}');
}

function show(value: TemplateValue): string {
  return typeof value === 'string' ? value : String(value);
}
