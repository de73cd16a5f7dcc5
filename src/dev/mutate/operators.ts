/**
 * Mutation operators for `dev mutate`: each finds, in one parsed TypeScript file, the places where a
 * small change can be made and says what the change is (a text edit of a node's span). The generic
 * ones are those a mutation tool applies (StrykerJS's catalogue); the Nest-aware ones are the
 * mistakes this course teaches about. The edits come from the syntax tree, never from regular
 * expressions over the text.
 */
import ts from 'typescript';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Mutation {
  operator: string;
  /** 1-based line of the change. */
  line: number;
  /** What changes, in words: `@MessagePattern → @EventPattern`. */
  description: string;
  edits: Edit[];
}

export interface Operator {
  id: string;
  /** What the operator does, for the list of operators and the report. */
  summary: string;
  nestAware: boolean;
  find(file: ts.SourceFile): Mutation[];
}

/** Parses TypeScript source the way the learner's files are written (decorators, ES2022). */
export function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** Applies edits (which never overlap) to the text. */
export function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

function containsAwait(node: ts.Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (ts.isAwaitExpression(n)) found = true;
  });
  return found;
}

function nodes<T extends ts.Node>(file: ts.SourceFile, is: (n: ts.Node) => n is T): T[] {
  const found: T[] = [];
  walk(file, (n) => {
    if (is(n)) found.push(n);
  });
  return found;
}

const lineOf = (file: ts.SourceFile, pos: number) => file.getLineAndCharacterOfPosition(pos).line + 1;

function replace(file: ts.SourceFile, operator: string, node: ts.Node, text: string, description?: string): Mutation {
  const start = node.getStart(file);
  return { operator, line: lineOf(file, start), description: description ?? `${short(node.getText(file))} → ${short(text)}`, edits: [{ start, end: node.getEnd(), text }] };
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

/** Removes a node together with the separator that follows it (a list element, an object property). */
function removeListElement(file: ts.SourceFile, operator: string, node: ts.Node, list: ts.NodeArray<ts.Node>): Mutation {
  const i = list.indexOf(node);
  const start = node.getStart(file);
  // The only element goes with its trailing comma: `{ durable: true, }` becomes `{ }`, not `{ , }`.
  const end = i < list.length - 1 ? list[i + 1].getStart(file) : list.length === 1 ? list.end : node.getEnd();
  const from = i === list.length - 1 && i > 0 ? list[i - 1].getEnd() : start;
  return { operator, line: lineOf(file, start), description: `remove ${short(node.getText(file))}`, edits: [{ start: from, end, text: '' }] };
}

/** The name a decorator is called by: `MessagePattern` for `@MessagePattern(…)`. */
function decoratorName(d: ts.Decorator): string | undefined {
  const e = d.expression;
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) return e.expression.text;
  if (ts.isIdentifier(e)) return e.text;
  return undefined;
}

function isInImport(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isExternalModuleReference(n)) return true;
  return false;
}

function isInDecorator(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (ts.isDecorator(n)) return true;
  return false;
}

/** A call `<something>.<name>(…)`. */
function methodCall(n: ts.Node, names: string[]): n is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  return ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && names.includes(n.expression.name.text);
}

const swaps = (pairs: [string, string][]) => new Map([...pairs, ...pairs.map(([a, b]) => [b, a] as [string, string])]);

// ---------------------------------------------------------------------------------------------------
// Generic operators (StrykerJS's catalogue)

const booleanLiteral: Operator = {
  id: 'boolean-literal',
  summary: 'true ↔ false',
  nestAware: false,
  find: (file) =>
    nodes(file, (n): n is ts.Node => n.kind === ts.SyntaxKind.TrueKeyword || n.kind === ts.SyntaxKind.FalseKeyword).map((n) =>
      replace(file, 'boolean-literal', n, n.kind === ts.SyntaxKind.TrueKeyword ? 'false' : 'true'),
    ),
};

const EQUALITY = new Map<ts.SyntaxKind, string>([
  [ts.SyntaxKind.EqualsEqualsEqualsToken, '!=='],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, '==='],
  [ts.SyntaxKind.EqualsEqualsToken, '!='],
  [ts.SyntaxKind.ExclamationEqualsToken, '=='],
  [ts.SyntaxKind.LessThanToken, '<='],
  [ts.SyntaxKind.LessThanEqualsToken, '<'],
  [ts.SyntaxKind.GreaterThanToken, '>='],
  [ts.SyntaxKind.GreaterThanEqualsToken, '>'],
]);

function binaryOperator(id: string, summary: string, table: Map<ts.SyntaxKind, string>): Operator {
  return {
    id,
    summary,
    nestAware: false,
    find: (file) =>
      nodes(file, ts.isBinaryExpression)
        .filter((b) => table.has(b.operatorToken.kind))
        .map((b) => replace(file, id, b.operatorToken, table.get(b.operatorToken.kind)!, `${b.operatorToken.getText(file)} → ${table.get(b.operatorToken.kind)} in ${short(b.getText(file))}`)),
  };
}

const equality = binaryOperator('equality', '=== ↔ !==, < ↔ <=, > ↔ >=', EQUALITY);
const arithmetic = binaryOperator(
  'arithmetic',
  '+ ↔ -, * ↔ /, % → *',
  new Map([
    [ts.SyntaxKind.PlusToken, '-'],
    [ts.SyntaxKind.MinusToken, '+'],
    [ts.SyntaxKind.AsteriskToken, '/'],
    [ts.SyntaxKind.SlashToken, '*'],
    [ts.SyntaxKind.PercentToken, '*'],
  ]),
);
const logical = binaryOperator(
  'logical',
  '&& ↔ ||, ?? → &&',
  new Map([
    [ts.SyntaxKind.AmpersandAmpersandToken, '||'],
    [ts.SyntaxKind.BarBarToken, '&&'],
    [ts.SyntaxKind.QuestionQuestionToken, '&&'],
  ]),
);

const conditional: Operator = {
  id: 'conditional',
  summary: 'the condition of an if or ?: → true, → false',
  nestAware: false,
  find: (file) => {
    const conditions: ts.Expression[] = [];
    walk(file, (n) => {
      if (ts.isIfStatement(n)) conditions.push(n.expression);
      if (ts.isConditionalExpression(n)) conditions.push(n.condition);
    });
    return conditions.flatMap((c) => [replace(file, 'conditional', c, 'true'), replace(file, 'conditional', c, 'false')]);
  },
};

const stringLiteral: Operator = {
  id: 'string-literal',
  summary: "a non-empty string → ''",
  nestAware: false,
  find: (file) =>
    nodes(file, (n): n is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n))
      // Module names, property names and decorators' patterns (pattern-value mutates those) are left alone.
      .filter((s) => s.text.length > 0 && !isInImport(s) && !isInDecorator(s) && !(s.parent && ts.isPropertyAssignment(s.parent) && s.parent.name === s))
      .map((s) => replace(file, 'string-literal', s, "''")),
};

const arrayLiteral: Operator = {
  id: 'array-literal',
  summary: 'a non-empty array literal → []',
  nestAware: false,
  find: (file) =>
    nodes(file, ts.isArrayLiteralExpression)
      // A module's lists are module-member's.
      .filter((a) => a.elements.length > 0 && !isInDecorator(a))
      .map((a) => replace(file, 'array-literal', a, '[]')),
};

const blockRemoval: Operator = {
  id: 'block-removal',
  summary: 'the body of a function, method or if → {}',
  nestAware: false,
  find: (file) =>
    nodes(file, ts.isBlock)
      .filter((b) => b.statements.length > 0 && b.parent && (ts.isFunctionLike(b.parent) || ts.isIfStatement(b.parent) || ts.isCatchClause(b.parent)))
      .map((b) => replace(file, 'block-removal', b, '{}', `empty the block at line ${lineOf(file, b.getStart(file))}`)),
};

const optionalChaining: Operator = {
  id: 'optional-chaining',
  summary: 'a?.b → a.b',
  nestAware: false,
  find: (file) =>
    nodes(file, (n): n is ts.PropertyAccessExpression | ts.ElementAccessExpression | ts.CallExpression => (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n)) && Boolean(n.questionDotToken))
      .map((n) => replace(file, 'optional-chaining', n.questionDotToken!, ts.isPropertyAccessExpression(n) ? '.' : '', `?. → . in ${short(n.getText(file))}`)),
};

const METHOD_SWAPS = swaps([
  ['some', 'every'],
  ['startsWith', 'endsWith'],
  ['min', 'max'],
  ['toUpperCase', 'toLowerCase'],
  ['trimStart', 'trimEnd'],
]);

const methodCallOperator: Operator = {
  id: 'method-call',
  summary: 'reduce without its initial value; some ↔ every, startsWith ↔ endsWith, min ↔ max, …',
  nestAware: false,
  find: (file) => {
    const found: Mutation[] = [];
    for (const call of nodes(file, ts.isCallExpression)) {
      if (!ts.isPropertyAccessExpression(call.expression)) continue;
      const name = call.expression.name;
      if (name.text === 'reduce' && call.arguments.length === 2) {
        found.push({ operator: 'method-call', line: lineOf(file, call.getStart(file)), description: `reduce without its initial value ${short(call.arguments[1].getText(file))}`, edits: [{ start: call.arguments[0].getEnd(), end: call.arguments[1].getEnd(), text: '' }] });
      }
      const swap = METHOD_SWAPS.get(name.text);
      if (swap) found.push(replace(file, 'method-call', name, swap, `.${name.text}( → .${swap}(`));
    }
    return found;
  },
};

const unary: Operator = {
  id: 'unary',
  summary: '!x → x, -x → x, x++ ↔ x--',
  nestAware: false,
  find: (file) => {
    const found: Mutation[] = [];
    walk(file, (n) => {
      if (ts.isPrefixUnaryExpression(n) && (n.operator === ts.SyntaxKind.ExclamationToken || n.operator === ts.SyntaxKind.MinusToken)) found.push(replace(file, 'unary', n, n.operand.getText(file)));
      if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
        const text = n.getText(file);
        found.push(replace(file, 'unary', n, n.operator === ts.SyntaxKind.PlusPlusToken ? text.replace('++', '--') : text.replace('--', '++')));
      }
    });
    return found;
  },
};

// ---------------------------------------------------------------------------------------------------
// Nest-aware operators: the mistakes the course teaches about

function decoratorSwap(id: string, summary: string, table: Map<string, string>): Operator {
  return {
    id,
    summary,
    nestAware: true,
    find: (file) =>
      nodes(file, ts.isDecorator).flatMap((d) => {
        const name = decoratorName(d);
        const swap = name && table.get(name);
        if (!swap || !ts.isCallExpression(d.expression)) return [];
        return [replace(file, id, d.expression.expression, swap, `@${name} → @${swap}`)];
      }),
  };
}

const patternDecorator = decoratorSwap('pattern-decorator', '@MessagePattern ↔ @EventPattern', swaps([['MessagePattern', 'EventPattern']]));
const grpcDecorator = decoratorSwap('grpc-decorator', '@GrpcMethod ↔ @GrpcStreamMethod', swaps([['GrpcMethod', 'GrpcStreamMethod']]));

const PATTERN_DECORATORS = new Set(['MessagePattern', 'EventPattern']);

const patternValue: Operator = {
  id: 'pattern-value',
  summary: "a pattern's value changes ('a' → 'a-x'), or its shape ({ cmd: 'a' } ↔ 'a')",
  nestAware: true,
  find: (file) =>
    nodes(file, ts.isDecorator).flatMap((d) => {
      const name = decoratorName(d);
      if (!name || !PATTERN_DECORATORS.has(name) || !ts.isCallExpression(d.expression) || d.expression.arguments.length === 0) return [];
      const pattern = d.expression.arguments[0];
      if (ts.isStringLiteral(pattern) || ts.isNoSubstitutionTemplateLiteral(pattern)) {
        return [replace(file, 'pattern-value', pattern, `'${pattern.text}-x'`), replace(file, 'pattern-value', pattern, `{ cmd: '${pattern.text}' }`)];
      }
      if (ts.isObjectLiteralExpression(pattern)) {
        const found: Mutation[] = [];
        for (const p of pattern.properties) {
          if (ts.isPropertyAssignment(p) && (ts.isStringLiteral(p.initializer) || ts.isNoSubstitutionTemplateLiteral(p.initializer))) {
            found.push(replace(file, 'pattern-value', p.initializer, `'${p.initializer.text}-x'`));
            if (pattern.properties.length === 1) found.push(replace(file, 'pattern-value', pattern, `'${p.initializer.text}'`));
          }
        }
        return found;
      }
      return [];
    }),
};

const MODULE_LISTS = new Set(['controllers', 'providers', 'imports']);

const moduleMember: Operator = {
  id: 'module-member',
  summary: "a class removed from a module's controllers, providers or imports",
  nestAware: true,
  find: (file) =>
    nodes(file, ts.isDecorator).flatMap((d) => {
      if (decoratorName(d) !== 'Module' || !ts.isCallExpression(d.expression)) return [];
      const options = d.expression.arguments[0];
      if (!options || !ts.isObjectLiteralExpression(options)) return [];
      return options.properties.flatMap((p) => {
        if (!ts.isPropertyAssignment(p) || !MODULE_LISTS.has(p.name.getText(file)) || !ts.isArrayLiteralExpression(p.initializer)) return [];
        const list = p.initializer.elements;
        return list.map((el) => ({ ...removeListElement(file, 'module-member', el, list), description: `remove ${short(el.getText(file))} from ${p.name.getText(file)}` }));
      });
    }),
};

const sendEmit: Operator = {
  id: 'send-emit',
  summary: 'client.send ↔ client.emit',
  nestAware: true,
  find: (file) =>
    nodes(file, (n): n is ts.CallExpression & { expression: ts.PropertyAccessExpression } => methodCall(n, ['send', 'emit']))
      // A RabbitMQ channel's or a socket's own send is not a ClientProxy's.
      .filter((c) => !/channel|socket|res\b|reply/i.test(c.expression.expression.getText(file)))
      .map((c) => {
        const swap = c.expression.name.text === 'send' ? 'emit' : 'send';
        return replace(file, 'send-emit', c.expression.name, swap, `.${c.expression.name.text}( → .${swap}( in ${short(c.getText(file))}`);
      }),
};

const dropFirstValue: Operator = {
  id: 'drop-first-value',
  summary: 'firstValueFrom(x) / lastValueFrom(x) → x',
  nestAware: true,
  find: (file) =>
    nodes(file, ts.isCallExpression)
      .filter((c) => ts.isIdentifier(c.expression) && ['firstValueFrom', 'lastValueFrom'].includes(c.expression.text) && c.arguments.length >= 1)
      .map((c) => replace(file, 'drop-first-value', c, c.arguments[0].getText(file), `drop ${(c.expression as ts.Identifier).text}(…)`)),
};

/** An expression statement that calls `<x>.<name>(…)`. */
function callStatements(file: ts.SourceFile, names: string[]): ts.ExpressionStatement[] {
  return nodes(file, ts.isExpressionStatement).filter((s) => {
    let e: ts.Expression = s.expression;
    if (ts.isAwaitExpression(e)) e = e.expression;
    return methodCall(e, names);
  });
}

const ack: Operator = {
  id: 'ack',
  summary: 'channel.ack/nack dropped, duplicated, or moved before the awaited work',
  nestAware: true,
  find: (file) =>
    callStatements(file, ['ack', 'nack']).flatMap((s) => {
      const text = s.getText(file);
      const start = s.getStart(file);
      const line = lineOf(file, start);
      const found: Mutation[] = [
        { operator: 'ack', line, description: `drop ${short(text)}`, edits: [{ start, end: s.getEnd(), text: '' }] },
        { operator: 'ack', line, description: `duplicate ${short(text)}`, edits: [{ start: s.getEnd(), end: s.getEnd(), text: ` ${text}` }] },
      ];
      const block = s.parent;
      if (ts.isBlock(block)) {
        const i = block.statements.indexOf(s);
        // The closest statement before it that awaits: the ack goes in front of that work.
        for (let j = i - 1; j >= 0; j--) {
          const before = block.statements[j];
          if (!containsAwait(before)) continue;
          const at = before.getStart(file);
          found.push({ operator: 'ack', line, description: `move ${short(text)} before ${short(before.getText(file))}`, edits: [{ start: start, end: s.getEnd(), text: '' }, { start: at, end: at, text: `${text} ` }] });
          break;
        }
      }
      return found;
    }),
};

const OPTIONS = new Set(['inheritAppConfig', 'noAck', 'durable', 'persistent', 'prefetchCount', 'deferInitialization', 'wildcards', 'queue', 'qos', 'retain']);

const dropOption: Operator = {
  id: 'drop-option',
  summary: 'an option removed: inheritAppConfig, noAck, durable, persistent, prefetchCount, queue, qos, …',
  nestAware: true,
  find: (file) =>
    nodes(file, ts.isObjectLiteralExpression).flatMap((o) =>
      o.properties
        .filter((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && OPTIONS.has(p.name.getText(file)))
        .map((p) => removeListElement(file, 'drop-option', p, o.properties)),
    ),
};

const dropComplete: Operator = {
  id: 'drop-complete',
  summary: 'subject.complete() / observer.complete() dropped',
  nestAware: true,
  find: (file) => callStatements(file, ['complete']).map((s) => replace(file, 'drop-complete', s, '', `drop ${short(s.getText(file))}`)),
};

const reorderEmits: Operator = {
  id: 'reorder-emits',
  summary: 'two values emitted one after the other swap places (x.next(a); x.next(b); or of(a, b))',
  nestAware: true,
  find: (file) => {
    const found: Mutation[] = [];
    const nexts = new Set(callStatements(file, ['next']));
    for (const block of nodes(file, ts.isBlock)) {
      block.statements.forEach((s, i) => {
        const other = block.statements[i + 1];
        if (!other || !nexts.has(s as ts.ExpressionStatement) || !nexts.has(other as ts.ExpressionStatement)) return;
        const a = s.getText(file);
        const b = other.getText(file);
        found.push({ operator: 'reorder-emits', line: lineOf(file, s.getStart(file)), description: `swap ${short(a)} and ${short(b)}`, edits: [{ start: s.getStart(file), end: s.getEnd(), text: b }, { start: other.getStart(file), end: other.getEnd(), text: a }] });
      });
    }
    for (const call of nodes(file, ts.isCallExpression)) {
      if (!ts.isIdentifier(call.expression) || call.expression.text !== 'of' || call.arguments.length < 2) continue;
      const [a, b] = call.arguments;
      found.push({ operator: 'reorder-emits', line: lineOf(file, a.getStart(file)), description: `swap the first two values of ${short(call.getText(file))}`, edits: [{ start: a.getStart(file), end: a.getEnd(), text: b.getText(file) }, { start: b.getStart(file), end: b.getEnd(), text: a.getText(file) }] });
    }
    return found;
  },
};

const observableToArray: Operator = {
  id: 'observable-to-array',
  summary: 'return of(a, b) / from([a, b]) → return [a, b]',
  nestAware: true,
  find: (file) =>
    nodes(file, ts.isReturnStatement).flatMap((r) => {
      const e = r.expression;
      if (!e || !ts.isCallExpression(e) || !ts.isIdentifier(e.expression)) return [];
      if (e.expression.text === 'of') return [replace(file, 'observable-to-array', e, `[${e.arguments.map((a) => a.getText(file)).join(', ')}]`)];
      if (e.expression.text === 'from' && e.arguments.length === 1) return [replace(file, 'observable-to-array', e, e.arguments[0].getText(file))];
      return [];
    }),
};

const hardcodeEnv: Operator = {
  id: 'hardcode-env',
  summary: 'process.env.X → a hard-coded value (3000 for a port, the variable name for a name)',
  nestAware: true,
  find: (file) =>
    nodes(file, ts.isPropertyAccessExpression)
      .filter((p) => ts.isPropertyAccessExpression(p.expression) && p.expression.getText(file) === 'process.env')
      .map((p) => {
        const name = p.name.text;
        return replace(file, 'hardcode-env', p, /PORT/.test(name) ? "'3000'" : /URL/.test(name) ? "'localhost'" : `'${name.toLowerCase().replace(/_/g, '-')}'`);
      }),
};

export const OPERATORS: Operator[] = [
  booleanLiteral,
  equality,
  arithmetic,
  logical,
  conditional,
  stringLiteral,
  arrayLiteral,
  blockRemoval,
  optionalChaining,
  methodCallOperator,
  unary,
  patternDecorator,
  patternValue,
  moduleMember,
  sendEmit,
  dropFirstValue,
  ack,
  dropOption,
  grpcDecorator,
  observableToArray,
  dropComplete,
  reorderEmits,
  hardcodeEnv,
];

/** Every mutation of one file, each operator's in the order they are listed. */
export function mutationsOf(fileName: string, text: string, only?: string[]): Mutation[] {
  const file = parse(fileName, text);
  return OPERATORS.filter((o) => !only || only.includes(o.id)).flatMap((o) => o.find(file));
}
