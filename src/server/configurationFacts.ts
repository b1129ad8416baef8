/**
 * What the other .nix files of a document's configuration define, so the server judges a module
 * the way `check` does (a builder enabled here, `nix.enable = false` in another module). Files are
 * read from disk, or from the editor when open; each file's facts are cached by its modification
 * time (or editor version), and the list of files per configuration for a few seconds, so a
 * keystroke does not walk the folder.
 */
import { statSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configurationFacts, type AnalyzeOptions } from '../rules/analyze.js';
import { configurationFiles, configurationRoot } from '../rules/configuration.js';

type Elsewhere = NonNullable<AnalyzeOptions['elsewhere']>;

const FILE_LIST_TTL_MS = 5_000;

export class ConfigurationFactsCache {
  private readonly facts = new Map<string, { stamp: string; facts: Elsewhere }>();
  private readonly lists = new Map<string, { at: number; files: string[] }>();

  /** `openText(uri)`: the editor's text and version of an open document, if it is open. */
  constructor(private readonly openText: (uri: string) => { text: string; version: number } | undefined) {}

  elsewhereFor(uri: string): Elsewhere | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const self = fileURLToPath(uri);
    const root = configurationRoot(self);
    const files = this.filesOf(root).filter((f) => f !== self);
    const all = files.map((f) => this.factsOf(f)).filter((f): f is Elsewhere => f !== undefined);
    return { definitions: all.flatMap((f) => f.definitions), lists: all.flatMap((f) => f.lists) };
  }

  private filesOf(root: string): string[] {
    const cached = this.lists.get(root);
    if (cached && Date.now() - cached.at < FILE_LIST_TTL_MS) return cached.files;
    const files = configurationFiles(root);
    this.lists.set(root, { at: Date.now(), files });
    return files;
  }

  private factsOf(path: string): Elsewhere | undefined {
    const open = this.openText(pathToFileURL(path).href);
    let stamp: string;
    try {
      stamp = open ? `v${open.version}` : `m${statSync(path).mtimeMs}`;
    } catch {
      return undefined; // deleted since the folder was listed
    }
    const cached = this.facts.get(path);
    if (cached?.stamp === stamp) return cached.facts;
    try {
      const facts = configurationFacts(open ? open.text : readFileSync(path, 'utf8'));
      this.facts.set(path, { stamp, facts });
      return facts;
    } catch {
      return undefined; // unreadable: judged without it
    }
  }
}
