#!/usr/bin/env node
// Reads Lua scripts out of JavaScript and TypeScript sources with a real parser.
//
// Input on stdin: one JSON object per line, {"path": "...", "text": "..."}.
// Output on stdout: one JSON object per line, either a script
//   {"path", "line", "name", "how", "text", "number_of_keys", "keys_via"}
// or a string that mentions `redis.call` but cannot be read statically
//   {"path", "line", "skipped": "why"}.
//
// A value is read when it is built from literals alone: string and template literals,
// `+`, `[...].join(sep)`, `.trim()`, `String.raw`, and names bound once in the file to
// such a value. The largest such expression is taken, so a script assembled from
// pieces is one script, not its pieces.
'use strict';

const parser = require('@babel/parser');
const readline = require('readline');

const MARKER = /redis\s*\.\s*(call|pcall|register_function)\b/;
const SKIP_KEYS = new Set([
  'loc', 'start', 'end', 'extra', 'leadingComments', 'trailingComments', 'innerComments',
  'comments', 'tokens', 'range', 'errors',
]);
const EVAL_NAMES = new Set(['eval', 'evalsha', 'evalSha', 'EVAL', 'EVALSHA', 'evalRo', 'evalshaRo']);
const COUNT_NAMES = new Set(['numberOfKeys', 'numKeys', 'numkeys', 'keyCount', 'keysCount']);

function parse(path, text) {
  const ts = /\.(ts|mts|cts)$/.test(path);
  const tsx = /\.tsx$/.test(path);
  const attempts = ts ? [['typescript']] : tsx ? [['typescript', 'jsx']] : [['jsx'], [], ['flow', 'jsx']];
  let lastError;
  for (const plugins of attempts) {
    try {
      return parser.parse(text, {
        sourceType: 'unambiguous',
        allowReturnOutsideFunction: true,
        allowImportExportEverywhere: true,
        allowAwaitOutsideFunction: true,
        allowSuperOutsideMethod: true,
        allowUndeclaredExports: true,
        errorRecovery: true,
        plugins: [...plugins, 'decorators-legacy', 'classProperties', 'topLevelAwait'],
      });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item.type === 'string') out.push(item);
    } else if (value && typeof value.type === 'string') {
      out.push(value);
    }
  }
  return out;
}

function propertyName(node) {
  if (!node) return null;
  if (node.type === 'Identifier' || node.type === 'PrivateName') return node.name || (node.id && node.id.name);
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'NumericLiteral') return String(node.value);
  return null;
}

function lastName(node) {
  if (!node) return null;
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') {
    return node.computed ? propertyName(node.property) : propertyName(node.property);
  }
  if (node.type === 'ThisExpression') return 'this';
  return null;
}

function unwrap(node) {
  while (node && ['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'ParenthesizedExpression',
    'TypeCastExpression', 'TSTypeAssertion'].includes(node.type)) {
    node = node.expression;
  }
  return node;
}

function analyse(path, text, emit) {
  const ast = parse(path, text);
  // names bound in the file: name -> list of initialisers
  const bindings = new Map();
  const bind = (name, init) => {
    if (!name || !init) return;
    if (!bindings.has(name)) bindings.set(name, []);
    bindings.get(name).push(init);
  };
  // name of a script value -> number of keys its callers give (ioredis defineCommand, EVAL)
  const counts = new Map();
  const count = (name, n, via) => {
    if (!name || !Number.isInteger(n)) return;
    if (!counts.has(name)) counts.set(name, []);
    counts.get(name).push({ n, via });
  };
  const numeric = (node) => {
    node = unwrap(node);
    return node && node.type === 'NumericLiteral' ? node.value : null;
  };

  (function collect(node) {
    switch (node.type) {
      case 'VariableDeclarator':
        if (node.id.type === 'Identifier') bind(node.id.name, node.init);
        break;
      case 'AssignmentExpression':
        if (node.operator === '=' && node.left.type === 'Identifier') bind(node.left.name, node.right);
        break;
      case 'ObjectExpression': {
        let n = null;
        for (const p of node.properties) {
          if (p.type === 'ObjectProperty' && COUNT_NAMES.has(propertyName(p.key))) n = numeric(p.value);
        }
        if (n !== null) {
          for (const p of node.properties) {
            if (p.type !== 'ObjectProperty' || COUNT_NAMES.has(propertyName(p.key))) continue;
            const name = lastName(unwrap(p.value));
            if (name) count(name, n, `object property \`${propertyName(p.key)}\` next to a key count`);
          }
        }
        break;
      }
      case 'CallExpression':
      case 'OptionalCallExpression': {
        const callee = node.callee;
        const fn = callee && (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression')
          ? propertyName(callee.property) : callee && callee.type === 'Identifier' ? callee.name : null;
        if (EVAL_NAMES.has(fn) && node.arguments.length >= 2) {
          const script = lastName(unwrap(node.arguments[0]));
          const second = unwrap(node.arguments[1]);
          let n = numeric(second);
          if (n === null && second && second.type === 'ObjectExpression') {
            // node-redis: client.eval(script, { keys: [...], arguments: [...] })
            for (const p of second.properties) {
              if (p.type === 'ObjectProperty' && propertyName(p.key) === 'keys'
                && unwrap(p.value).type === 'ArrayExpression'
                && unwrap(p.value).elements.every((e) => e && e.type !== 'SpreadElement')) {
                n = unwrap(p.value).elements.length;
              }
            }
          }
          if (script && n !== null) count(script, n, `\`${fn}\` call`);
        }
        break;
      }
      default:
        break;
    }
    for (const child of children(node)) collect(child);
  })(ast.program);

  const resolving = new Set();
  function resolve(node, depth = 0) {
    node = unwrap(node);
    if (!node || depth > 40) return null;
    switch (node.type) {
      case 'StringLiteral':
        return node.value;
      case 'NumericLiteral':
        return String(node.value);
      case 'TemplateLiteral': {
        let out = '';
        for (let i = 0; i < node.quasis.length; i++) {
          const cooked = node.quasis[i].value.cooked;
          if (cooked == null) return null;
          out += cooked;
          if (i < node.expressions.length) {
            const part = resolve(node.expressions[i], depth + 1);
            if (part === null) return null;
            out += part;
          }
        }
        return out;
      }
      case 'TaggedTemplateExpression': {
        const tag = node.tag;
        if (tag.type === 'MemberExpression' && lastName(tag.object) === 'String' && propertyName(tag.property) === 'raw'
          && node.quasi.expressions.length === 0) {
          return node.quasi.quasis.map((q) => q.value.raw).join('');
        }
        return null;
      }
      case 'BinaryExpression': {
        if (node.operator !== '+') return null;
        const left = resolve(node.left, depth + 1);
        if (left === null) return null;
        const right = resolve(node.right, depth + 1);
        return right === null ? null : left + right;
      }
      case 'Identifier': {
        const inits = bindings.get(node.name);
        if (!inits || inits.length !== 1 || resolving.has(node.name)) return null;
        resolving.add(node.name);
        const value = resolve(inits[0], depth + 1);
        resolving.delete(node.name);
        return value;
      }
      case 'CallExpression': {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression') return null;
        const method = propertyName(callee.property);
        if (method === 'join') {
          const array = unwrap(callee.object);
          if (array.type !== 'ArrayExpression') return null;
          const parts = [];
          for (const element of array.elements) {
            if (!element || element.type === 'SpreadElement') return null;
            const part = resolve(element, depth + 1);
            if (part === null) return null;
            parts.push(part);
          }
          const sep = node.arguments.length ? resolve(node.arguments[0], depth + 1) : ',';
          return sep === null ? null : parts.join(sep);
        }
        if (method === 'trim' && node.arguments.length === 0) {
          const inner = resolve(callee.object, depth + 1);
          return inner === null ? null : inner.trim();
        }
        return null;
      }
      default:
        return null;
    }
  }

  // literal parts of an expression that could not be read, to say why it was skipped
  function literalText(node, depth = 0) {
    node = unwrap(node);
    if (!node || depth > 40) return '';
    if (node.type === 'StringLiteral') return node.value;
    if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked || '').join('');
    if (node.type === 'BinaryExpression') return literalText(node.left, depth + 1) + literalText(node.right, depth + 1);
    return '';
  }

  function nameFrom(ancestors) {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const node = ancestors[i];
      switch (node.type) {
        case 'VariableDeclarator':
          return propertyName(node.id);
        case 'AssignmentExpression':
          return lastName(node.left);
        case 'ClassProperty':
        case 'ClassPrivateProperty':
        case 'PropertyDefinition':
          return propertyName(node.key);
        case 'ObjectProperty': {
          const parent = ancestors[i - 1];
          const key = propertyName(node.key);
          // an object naming its script: { name: 'x', lua: `...` }
          if (parent && parent.type === 'ObjectExpression') {
            for (const p of parent.properties) {
              if (p.type === 'ObjectProperty' && propertyName(p.key) === 'name') {
                const value = resolve(p.value);
                if (value && value.length < 80) return value;
              }
            }
          }
          // ioredis: defineCommand('name', { lua: ... })
          const call = ancestors[i - 2];
          if (call && call.type === 'CallExpression' && call.arguments.length >= 2) {
            const first = resolve(call.arguments[0]);
            if (first && first.length < 80 && !MARKER.test(first)) return first;
          }
          if (key && !['lua', 'script', 'source', 'code', 'content', 'body'].includes(key)) return key;
          break;
        }
        default:
          break;
      }
    }
    return null;
  }

  function countFor(ancestors, name) {
    const parent = ancestors[ancestors.length - 1];
    const object = ancestors[ancestors.length - 2];
    if (parent && parent.type === 'ObjectProperty' && object && object.type === 'ObjectExpression') {
      for (const p of object.properties) {
        if (p.type === 'ObjectProperty' && COUNT_NAMES.has(propertyName(p.key))) {
          const n = numeric(p.value);
          if (n !== null) return { n, via: `\`${propertyName(p.key)}\` of the same object` };
        }
      }
    }
    const found = name && counts.get(name);
    if (found) {
      const distinct = [...new Set(found.map((f) => f.n))];
      if (distinct.length === 1) return { n: distinct[0], via: found[0].via };
    }
    return null;
  }

  const READABLE = new Set(['StringLiteral', 'TemplateLiteral', 'BinaryExpression', 'CallExpression',
    'TaggedTemplateExpression']);
  (function visit(node, ancestors) {
    if (READABLE.has(node.type)) {
      const value = resolve(node);
      if (value !== null) {
        if (MARKER.test(value)) {
          const name = nameFrom(ancestors);
          const keys = countFor(ancestors, name);
          const how = node.type === 'StringLiteral' ? 'string-literal'
            : node.type === 'TemplateLiteral' ? (node.expressions.length ? 'template-literal-with-constants' : 'template-literal')
              : node.type === 'CallExpression' ? 'array-join' : node.type === 'BinaryExpression' ? 'concatenation' : 'string-raw';
          emit({
            path, line: node.loc.start.line, name, how, text: value,
            number_of_keys: keys ? keys.n : null, keys_via: keys ? keys.via : null,
          });
        }
        return;
      }
      if (node.type === 'TemplateLiteral' && MARKER.test(literalText(node))) {
        // interpolations kept as written (`${expr}`): the caller keeps the script only
        // when each one lands inside a Lua string literal, where it cannot change the code
        let out = '';
        const placeholders = [];
        let ok = true;
        for (let i = 0; i < node.quasis.length; i++) {
          const cooked = node.quasis[i].value.cooked;
          if (cooked == null) ok = false;
          out += cooked || '';
          if (i < node.expressions.length) {
            const expr = node.expressions[i];
            const part = resolve(expr);
            if (part !== null) {
              out += part;
            } else {
              const written = '${' + text.slice(expr.start, expr.end) + '}';
              placeholders.push(written);
              out += written;
            }
          }
        }
        if (ok) {
          const name = nameFrom(ancestors);
          const keys = countFor(ancestors, name);
          emit({
            path, line: node.loc.start.line, name, how: 'template-literal-interpolated', text: out, placeholders,
            number_of_keys: keys ? keys.n : null, keys_via: keys ? keys.via : null,
          });
          return;
        }
      }
      if ((node.type === 'TemplateLiteral' || node.type === 'BinaryExpression') && MARKER.test(literalText(node))) {
        emit({ path, line: node.loc.start.line, skipped: 'built with values only known at run time (interpolation or concatenation of non-constants)' });
        return;
      }
    }
    ancestors.push(node);
    for (const child of children(node)) visit(child, ancestors);
    ancestors.pop();
  })(ast.program, []);
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const { path, text } = JSON.parse(line);
  if (!MARKER.test(text)) return;
  try {
    analyse(path, text, (record) => process.stdout.write(`${JSON.stringify(record)}\n`));
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ path, line: null, skipped: `does not parse: ${String(error.message).split('\n')[0]}` })}\n`);
  }
});
