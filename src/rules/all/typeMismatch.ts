/**
 * `type-mismatch`: a literal value of the wrong type for a builder option (`systems = "aarch64-linux"`,
 * `maxJobs = "4"`, `protocol = "ssh+ng"`): the module system rejects it with "is not of type".
 * Values that are not literals (variables, calls) are not judged.
 */
import type { SourceText } from '../../nix/sourceText.js';
import type { OptionDefinition, StaticValue } from '../../nix/model.js';
import { nixString } from '../../nix/print.js';
import { describeOption, type ValueShape } from '../../schema/index.js';
import { closest } from '../distance.js';
import {
  fitting,
  MESSAGE_LIMIT,
  TITLE_LIMIT,
  type OffsetFix,
  type Rule,
  type RuleContext,
  type RuleFinding,
} from '../rule.js';

interface Problem {
  message: string;
  replacement?: string | undefined;
}

function judge(shape: ValueShape, value: StaticValue, text: SourceText): Problem | undefined {
  const literal = text.slice(value.span.from, value.span.to);
  switch (shape.kind) {
    case 'bool':
      if (value.kind === 'bool' || value.kind === 'other') return undefined;
      if (value.kind === 'string' && (value.value === 'true' || value.value === 'false'))
        return { message: 'expects a boolean, not a string', replacement: value.value };
      return { message: `expects a boolean (true or false), not ${describe(value)}` };
    case 'int':
      if (value.kind === 'int')
        return shape.positive && value.value < 1 ? { message: 'expects a positive integer' } : undefined;
      if (value.kind === 'other') return undefined;
      if (value.kind === 'string' && value.value !== null && /^\d+$/.test(value.value))
        return { message: 'expects an integer, not a string', replacement: value.value };
      return { message: `expects an integer, not ${describe(value)}` };
    case 'string':
      return value.kind === 'string' || value.kind === 'other'
        ? undefined
        : { message: `expects a string, not ${describe(value)}` };
    case 'nullOrString':
      return value.kind === 'string' ||
        value.kind === 'null' ||
        value.kind === 'other' ||
        value.kind === 'path'
        ? undefined
        : { message: `expects a string or null, not ${describe(value)}` };
    case 'listOfString':
      if (value.kind === 'string')
        return {
          message: 'expects a list of strings; a single string must be in a list',
          replacement: `[ ${literal} ]`,
        };
      if (value.kind === 'list') {
        const bad = value.items.find((i) => i.kind !== 'string' && i.kind !== 'other');
        return bad ? { message: `expects a list of strings, but an element is ${describe(bad)}` } : undefined;
      }
      return value.kind === 'other'
        ? undefined
        : { message: `expects a list of strings, not ${describe(value)}` };
    case 'enum': {
      if (value.kind === 'other' || (value.kind === 'null' && shape.nullable)) return undefined;
      if (value.kind !== 'string' || value.value === null)
        return { message: `expects one of ${shape.values.map((v) => `"${v}"`).join(', ')}` };
      if (shape.values.includes(value.value)) return undefined;
      const near = closest(value.value.trim(), shape.values) ?? shape.values[0];
      return {
        message: `expects one of ${shape.values.map((v) => `"${v}"`).join(', ')}, not "${value.value}"`,
        replacement: near ? nixString(near) : undefined,
      };
    }
    case 'any':
      return undefined;
  }
}

function describe(value: StaticValue): string {
  switch (value.kind) {
    case 'string':
      return 'a string';
    case 'int':
      return 'an integer';
    case 'float':
      return 'a float';
    case 'bool':
      return 'a boolean';
    case 'null':
      return 'null';
    case 'path':
      return 'a path';
    case 'list':
      return 'a list';
    case 'attrs':
      return 'an attribute set';
    case 'function':
      return 'a function';
    case 'other':
      return 'an expression';
  }
}

function fixes(def: OptionDefinition, problem: Problem): OffsetFix[] {
  if (problem.replacement === undefined) return [];
  return [
    {
      title: fitting(TITLE_LIMIT, `Change to ${problem.replacement}`, 'Change to a value of the right type'),
      isPreferred: true,
      edits: [{ from: def.value.span.from, to: def.value.span.to, newText: problem.replacement }],
    },
  ];
}

export const typeMismatchRule: Rule = {
  id: 'type-mismatch',
  severity: 'error',
  reads: [['nix'], ['*', 'buildMachines']],
  docs: 'docs/rules/type-mismatch.md',
  summary: 'a literal of the wrong type: `systems = "aarch64-linux"`, `maxJobs = "4"`, `protocol = "ssh+ng"`',
  check(ctx: RuleContext) {
    const findings: RuleFinding[] = [];
    for (const def of ctx.located.definitions) {
      const doc = describeOption(def.path);
      if (!doc) continue;
      const problem = judge(doc.shape, def.value, ctx.text);
      if (!problem) continue;
      const name = def.path.filter((p) => p !== '*').join('.');
      findings.push({
        span: def.value.span,
        severity: 'error',
        message: fitting(
          MESSAGE_LIMIT,
          `${name} ${problem.message}.`,
          `${def.path[def.path.length - 1] ?? name} ${problem.message}.`,
        ),
        detail: `${name} is of type ${doc.type}; darwin-rebuild stops with "is not of type" for this value.`,
        fixes: fixes(def, problem),
      });
    }
    return findings;
  },
};
