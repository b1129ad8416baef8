/**
 * The server's settings: section `linuxBuilderDoctor` of workspace/configuration, or the
 * client's initializationOptions for editors without configuration support (Helix, plain
 * Neovim setups). Values are read defensively: any client can send anything.
 */
import { pathToFileURL } from 'node:url';
import { findUp } from './findUp.js';

export const SETTINGS_SECTION = 'linuxBuilderDoctor';

export interface ServerSettings {
  disabledRules: string[];
  probeTimeoutMs?: number | undefined;
  /** Read system files under this directory instead of `/` (hidden; tests stage a "Mac" there). */
  probeRoot?: string | undefined;
  /** Run ssh/nix on the staged probeRoot even when its files would run commands (machine scope). */
  probeTrustRoot: boolean;
  builderHost?: string | undefined;
  /**
   * Rule pages are `${docsBaseUrl}/${ruleId}.md`: always the pages shipped with the server (or the
   * repository's), never a value from the client. A workspace can set any undeclared key, so a
   * settable link target would let any repository point every diagnostic at a page of its choice.
   */
  docsBaseUrl: string;
}

/**
 * Every key of the section the server reads. Each one is declared in package.json
 * `contributes.configuration`, where the scope decides who may set it (a test compares the two).
 */
export const SERVER_SETTING_KEYS = [
  'rules.disabled',
  'probes.timeoutMilliseconds',
  'probes.root',
  'probes.trustRoot',
  'builderHost',
] as const;
export type ServerSettingKey = (typeof SERVER_SETTING_KEYS)[number];

/** Where the rule pages live when the user set nothing: the project's docs/rules/. */
const REPOSITORY_DOCS = 'https://github.com/linux-builder-doctor/linux-builder-doctor/blob/main/docs/rules';

/**
 * Prefer the docs/rules folder shipped next to the server (dist/../docs/rules in the extension and
 * in a checkout) so the links work offline and match the installed version; fall back to the
 * repository's pages.
 */
export function defaultDocsBaseUrl(): string {
  const local = findUp('docs/rules');
  return local ? pathToFileURL(local).href : REPOSITORY_DOCS;
}

type Bag = Record<string, unknown>;

const isBag = (value: unknown): value is Bag =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads `a.b` from either a nested object ({a:{b}}) or a flat one ({'a.b'}); clients differ. */
function lookup(bag: Bag, dotted: ServerSettingKey): unknown {
  if (dotted in bag) return bag[dotted];
  let current: unknown = bag;
  for (const key of dotted.split('.')) {
    if (!isBag(current)) return undefined;
    current = current[key];
  }
  return current;
}

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** Turns whatever the client sent into settings; unknown or ill-typed values fall back to defaults. */
export function parseSettings(raw: unknown, defaultDocs: string): ServerSettings {
  // initializationOptions may wrap the section ({ linuxBuilderDoctor: {...} }) or be the section itself.
  let bag: Bag = isBag(raw) ? raw : {};
  if (isBag(bag[SETTINGS_SECTION])) bag = bag[SETTINGS_SECTION];
  const disabled = lookup(bag, 'rules.disabled');
  const timeout = lookup(bag, 'probes.timeoutMilliseconds');
  return {
    disabledRules: Array.isArray(disabled) ? disabled.filter((r): r is string => typeof r === 'string') : [],
    probeTimeoutMs:
      typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
    probeRoot: nonEmptyString(lookup(bag, 'probes.root')),
    probeTrustRoot: lookup(bag, 'probes.trustRoot') === true,
    builderHost: nonEmptyString(lookup(bag, 'builderHost')),
    docsBaseUrl: defaultDocs.replace(/\/+$/, ''),
  };
}
