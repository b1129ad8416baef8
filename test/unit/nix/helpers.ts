import { parseNix, type ParsedNix } from '../../../src/nix/parse.js';

/** The tree as nested node names (named nodes only; ⚠ marks an error node). */
export function shape(parsed: ParsedNix): string {
  let out = '';
  parsed.tree.iterate({
    enter: (n) => {
      const name = n.type.isError ? '⚠' : n.name;
      if (!/^[A-Z⚠]/.test(name)) return;
      out += `${name}(`;
    },
    leave: (n) => {
      const name = n.type.isError ? '⚠' : n.name;
      if (!/^[A-Z⚠]/.test(name)) return;
      out = out.endsWith('(') ? `${out.slice(0, -1)} ` : `${out.trimEnd()}) `;
    },
  });
  return out.trim();
}

/**
 * Every named node and error node with its position: what the locator and syntaxProblems read.
 * (Error recovery may wrap a punctuation token in an error node in one parse and leave it
 * beside it in another; anonymous tokens are left out so that does not count as a difference.)
 */
export function dump(parsed: ParsedNix): string {
  const parts: string[] = [];
  parsed.tree.iterate({
    enter: (n) => {
      const name = n.type.isError ? '⚠' : n.name;
      if (/^[A-Z⚠]/.test(name)) parts.push(`${name}@${n.from}-${n.to}`);
    },
  });
  return parts.join(' ');
}

export function hasError(text: string): boolean {
  let found = false;
  parseNix(text).tree.iterate({
    enter: (n) => {
      if (n.type.isError) found = true;
    },
  });
  return found;
}
