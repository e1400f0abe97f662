/**
 * Evaluates HCL expressions as Packer does at build time, over a scope of `var.*`, `local.*`, `path.*` and the
 * names a `for` expression or `dynamic` block binds: string templates, conditionals, `for`, operators, indexes and
 * splats, and the functions of `functions.ts`. A problem throws `ConvertError` with its file and line.
 */
import { callFunction } from './functions';
import { ConvertError, Expression, ForClause, Place, Value } from './syntax';

/** What names mean while evaluating: top-level objects (`var`, `local`, `path`, `build`) and bound names. */
export interface Scope {
  lookup(name: string, at: Expression): Value;
}

/** A scope with extra names bound in front of another (a `for` expression's variables). */
export function withNames(parent: Scope, names: Record<string, Value>): Scope {
  return { lookup: (name, at) => (Object.hasOwn(names, name) ? names[name] : parent.lookup(name, at)) };
}

export function evaluate(expression: Expression, scope: Scope): Value {
  switch (expression.kind) {
    case 'literal': return expression.value;
    case 'template': return template(expression.parts, scope);
    case 'variable': return scope.lookup(expression.name, expression);
    case 'attribute': return attributeOf(evaluate(expression.target, scope), expression.name, expression);
    case 'index': return indexOf(evaluate(expression.target, scope), evaluate(expression.key, scope), expression);
    case 'splat': return splat(evaluate(expression.target, scope), expression.names, expression);
    case 'call': return callFunction(expression, (argument) => evaluate(argument, scope));
    case 'tuple': return expression.items.map((item) => evaluate(item, scope));
    case 'object': return Object.fromEntries(expression.entries.map(({ key, value }) => [asKey(evaluate(key, scope), key), evaluate(value, scope)]));
    case 'conditional': return asBoolean(evaluate(expression.test, scope), expression.test) ? evaluate(expression.then, scope) : evaluate(expression.otherwise, scope);
    case 'binary': return binary(expression.operator, expression.left, expression.right, scope, expression);
    case 'unary': return unary(expression.operator, evaluate(expression.operand, scope), expression);
    case 'for': return forExpression(expression.clause, scope, expression);
  }
}

/** A template's string; a template that is one interpolation alone (`"${var.list}"`) keeps the value's type, as HCL does. */
function template(parts: (string | Expression)[], scope: Scope): Value {
  if (parts.length === 1 && typeof parts[0] !== 'string') return evaluate(parts[0], scope);
  return parts.map((part) => (typeof part === 'string' ? part : asString(evaluate(part, scope), part))).join('');
}

export function asString(value: Value, at: Place): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConvertError(at, `expected a string, got ${describe(value)}`);
}

export function asBoolean(value: Value, at: Place): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConvertError(at, `expected true or false, got ${describe(value)}`);
}

export function asNumber(value: Value, at: Place): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && !Number.isNaN(number)) return number;
  throw new ConvertError(at, `expected a number, got ${describe(value)}`);
}

function asKey(value: Value, at: Expression): string {
  return asString(value, at);
}

/** `a string "x"`, `a list of 2`, `null`: for messages. */
export function describe(value: Value): string {
  if ((value as Value | undefined) === undefined) return 'nothing (an argument is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return `an object with ${Object.keys(value).join(', ') || 'no attributes'}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** An HCL object (a map), not a list or a scalar. */
export function isObject(value: Value): value is { [key: string]: Value } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function attributeOf(target: Value, name: string, at: Expression): Value {
  if (isObject(target) && Object.hasOwn(target, name)) return target[name];
  throw new ConvertError(at, `${describe(target)} has no attribute "${name}"`);
}

function indexOf(target: Value, key: Value, at: Expression): Value {
  if (Array.isArray(target)) {
    const index = asNumber(key, at);
    if (Number.isInteger(index) && index >= 0 && index < target.length) return target[index];
    throw new ConvertError(at, `index ${index} is out of range for ${describe(target)}`);
  }
  if (isObject(target)) return attributeOf(target, asString(key, at), at);
  throw new ConvertError(at, `cannot index ${describe(target)}`);
}

function splat(target: Value, names: string[], at: Expression): Value {
  const items = Array.isArray(target) ? target : target === null ? [] : [target];
  return items.map((item) => names.reduce((value, name) => attributeOf(value, name, at), item));
}

function binary(operator: string, left: Expression, right: Expression, scope: Scope, at: Expression): Value {
  if (operator === '&&') return asBoolean(evaluate(left, scope), left) && asBoolean(evaluate(right, scope), right);
  if (operator === '||') return asBoolean(evaluate(left, scope), left) || asBoolean(evaluate(right, scope), right);
  const [a, b] = [evaluate(left, scope), evaluate(right, scope)];
  if (operator === '==') return JSON.stringify(a) === JSON.stringify(b);
  if (operator === '!=') return JSON.stringify(a) !== JSON.stringify(b);
  const [x, y] = [asNumber(a, left), asNumber(b, right)];
  switch (operator) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    case '%': return x % y;
    case '<': return x < y;
    case '>': return x > y;
    case '<=': return x <= y;
    case '>=': return x >= y;
    default: throw new ConvertError(at, `unknown operator ${operator}`);
  }
}

function unary(operator: string, value: Value, at: Expression): Value {
  if (operator === '!') return !asBoolean(value, at);
  if (operator === '-') return -asNumber(value, at);
  throw new ConvertError(at, `unknown operator ${operator}`);
}

/** `[for k, v in coll : value if cond]` over a list (index, item) or an object (key, value). */
function forExpression(clause: ForClause, scope: Scope, at: Expression): Value {
  const collection = evaluate(clause.collection, scope);
  let pairs: [Value, Value][];
  if (Array.isArray(collection)) pairs = collection.map((item, index) => [index, item]);
  else if (isObject(collection)) pairs = Object.entries(collection);
  else throw new ConvertError(clause.collection, `a for expression needs a list or an object, got ${describe(collection)}`);
  const names = (key: Value, value: Value) => ({ [clause.valueVariable]: value, ...(clause.keyVariable ? { [clause.keyVariable]: key } : {}) });
  const bound = pairs.map(([key, value]) => withNames(scope, names(key, value)))
    .filter((inner) => !clause.condition || asBoolean(evaluate(clause.condition, inner), clause.condition));
  if (!clause.object) return bound.map((inner) => evaluate(clause.value, inner));
  // A Map, not an object: a key such as "__proto__" or "toString" is a key like any other.
  const result = new Map<string, Value>();
  for (const inner of bound) {
    const key = asString(evaluate(clause.key!, inner), clause.key!);
    const value = evaluate(clause.value, inner);
    if (clause.grouped) result.set(key, [...((result.get(key) as Value[] | undefined) ?? []), value]);
    else if (result.has(key)) throw new ConvertError(at, `the for expression makes the key "${key}" twice; add "..." to group the values`);
    else result.set(key, value);
  }
  return Object.fromEntries(result);
}
