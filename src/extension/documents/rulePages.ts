import { readFileSync } from 'node:fs';

export const RULE_DOCS_PREFIX = '/rules/';

/** A rule id as the rules name themselves (src/rules/all/): nothing that could leave docs/rules/. */
export const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * The text of a rule's page from the docs/rules/ folder packaged in the extension (offline, the
 * installed version's), for linux-builder-doctor:/rules/<id>.md. `asAbsolutePath` is the
 * extension context's.
 */
export function rulePage(asAbsolutePath: (relative: string) => string, path: string): string | undefined {
  const id = path.slice(RULE_DOCS_PREFIX.length).replace(/\.md$/, '');
  if (!RULE_ID.test(id)) return undefined;
  try {
    return readFileSync(asAbsolutePath(`docs/rules/${id}.md`), 'utf8');
  } catch {
    return undefined;
  }
}
