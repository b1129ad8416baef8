/**
 * The parts of committed files that are derived from the rule and probe declarations, so adding a
 * rule or a probe is its file, its page and its test (issue 11 item 3): the rule tables of README.md
 * and docs/rules/README.md, README.md's probe table and package.json's `rules.disabled` enum (what
 * VS Code offers in settings). scripts/build.mjs writes them (not under CI, where
 * test/unit/docs/generatedDocs.test.ts then fails on a stale committed file instead).
 * In the CLI layer because it is the one that sees both the rules and the probes; no entry point
 * imports it.
 */
import { PROBES } from '../probes/registry.js';
import { ENGINE_CODES, RULE_IDS, RULES } from '../rules/registry.js';

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  text: string;
}

const DISABLED_SETTING = 'linuxBuilderDoctor.rules.disabled';
const CODES = [...ENGINE_CODES, ...RULES];

/** A table cell from a one-line summary: `|` would end the cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The lines between `<!-- BEGIN name … -->` and `<!-- END name -->` in `text` replaced by `lines`. */
function between(text: string, path: string, name: string, lines: readonly string[]): string {
  const begin = new RegExp(`^<!-- BEGIN ${name}\\b.*-->\\n`, 'm').exec(text);
  const end = new RegExp(`^<!-- END ${name} -->$`, 'm').exec(text);
  if (!begin || !end || end.index < begin.index)
    throw new Error(`${path}: the markers <!-- BEGIN ${name} … --> and <!-- END ${name} --> are missing`);
  const from = begin.index + begin[0].length;
  return `${text.slice(0, from)}${lines.map((l) => `${l}\n`).join('')}${text.slice(end.index)}`;
}

function readmeRules(): string[] {
  return [
    '| rule | severity | flags |',
    '|---|---|---|',
    ...CODES.map((c) => `| \`${c.id}\` | ${c.severity} | ${cell(c.summary)} |`),
  ];
}

function readmeProbes(): string[] {
  return [
    '| probe | checks | typical verdicts |',
    '|---|---|---|',
    ...PROBES.map((p) => `| \`${p.id}\` | ${cell(p.checks)} | ${cell(p.verdicts)} |`),
  ];
}

function rulesIndex(): string[] {
  return [
    '| id | severity | what it catches |',
    '|---|---|---|',
    ...CODES.map((c) => {
      const page = c.docs.replace(/^docs\/rules\//, '');
      return `| [${c.id}](${page}) | ${c.severity} | ${cell(c.summary)} |`;
    }),
  ];
}

interface Manifest {
  contributes: {
    configuration: { properties: Record<string, { items?: { enum?: string[] } } | undefined> };
  };
}

function manifest(text: string): string {
  const json = JSON.parse(text) as Manifest;
  const items = json.contributes.configuration.properties[DISABLED_SETTING]?.items;
  if (!items) throw new Error(`package.json: ${DISABLED_SETTING} has no items`);
  items.enum = [...RULE_IDS];
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** What each generated file must hold, given how it reads now (`read`: a path → its text). */
export function generatedFiles(read: (path: string) => string): GeneratedFile[] {
  const readme = between(
    between(read('README.md'), 'README.md', 'rule table', readmeRules()),
    'README.md',
    'probe table',
    readmeProbes(),
  );
  return [
    { path: 'README.md', text: readme },
    {
      path: 'docs/rules/README.md',
      text: between(read('docs/rules/README.md'), 'docs/rules/README.md', 'rule table', rulesIndex()),
    },
    { path: 'package.json', text: manifest(read('package.json')) },
  ];
}
