/** Tokenizes text with syntaxes/nix.tmLanguage.json the way VS Code does (vscode-textmate + Oniguruma). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';
import { projectRoot } from '../../util/paths.js';

export interface Token {
  text: string;
  scopes: string[];
}

export const grammarPath = join(projectRoot, 'syntaxes', 'nix.tmLanguage.json');

/**
 * Our grammar's root scope: not `source.nix`, which Nix IDE's grammar owns; two grammars under one
 * scope name replace each other in VS Code's scope registry (issue 9 item 8).
 */
export const NIX_SCOPE = 'source.nix.linux-builder-doctor';

export async function loadNixGrammar(): Promise<vsctm.IGrammar> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: (scopeName: string) =>
      Promise.resolve(
        scopeName === NIX_SCOPE
          ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath)
          : null,
      ),
  });
  const grammar = await registry.loadGrammar(NIX_SCOPE);
  if (!grammar) throw new Error(`${NIX_SCOPE} did not load`);
  return grammar;
}

/** Tokens line by line (the scope stack of each, without the root scope). */
export function tokenize(grammar: vsctm.IGrammar, text: string): Token[][] {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex),
      scopes: t.scopes.slice(1),
    }));
  });
}

/** A readable snapshot: each line of source, then one line per token with its scopes. */
export function snapshot(grammar: vsctm.IGrammar, text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  tokenize(grammar, text).forEach((tokens, i) => {
    out.push(`> ${lines[i] ?? ''}`);
    for (const t of tokens) {
      if (t.text.trim() === '' && t.scopes.length === 0) continue;
      out.push(`  ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`.trimEnd());
    }
  });
  return `${out.join('\n')}\n`;
}
