/**
 * Single-typo variants of a text: one character deleted, duplicated or swapped with its neighbour,
 * or one quote, `;`, brace, bracket or parenthesis dropped. Up to `perClass` positions per class
 * are sampled with the seeded PRNG, so the same seed always gives the same variants and a failure
 * can be replayed.
 */
import { seededRandom } from './random.js';
import { itemAt } from './itemAt.js';

export const TYPO_CLASSES = [
  'delete',
  'duplicate',
  'swap',
  'drop-quote',
  'drop-semicolon',
  'drop-bracket',
] as const;
export type TypoClass = (typeof TYPO_CLASSES)[number];

export interface Typo {
  kind: TypoClass;
  /** Where the typo is, in the original text. */
  at: number;
  text: string;
}

/** Maps an offset in the typo'd text back to the original text (one character may be missing or extra). */
export function originalOffset(typo: Typo, offset: number): number {
  if (typo.kind === 'duplicate') return offset <= typo.at ? offset : offset - 1;
  if (typo.kind === 'swap') return offset;
  return offset < typo.at ? offset : offset + 1;
}

function make(text: string, kind: TypoClass, at: number): Typo {
  switch (kind) {
    case 'duplicate':
      return { kind, at, text: text.slice(0, at + 1) + text.slice(at) };
    case 'swap':
      return {
        kind,
        at,
        text: text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2),
      };
    default:
      return { kind, at, text: text.slice(0, at) + text.slice(at + 1) };
  }
}

const TARGETS: Partial<Record<TypoClass, RegExp>> = {
  'drop-quote': /"/g,
  'drop-semicolon': /;/g,
  'drop-bracket': /[{}[\]()]/g,
};

/** A stable number for a name, to seed each file's sample on its own. */
function hash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Up to `perClass` typos of each class (all of them when there are fewer places for it), at
 * positions `name` and `seed` together pick.
 */
export function typoVariants(name: string, text: string, seed: number, perClass: number): Typo[] {
  const out: Typo[] = [];
  for (const kind of TYPO_CLASSES) {
    const pattern = TARGETS[kind];
    const last = kind === 'swap' ? text.length - 1 : text.length;
    const positions = pattern
      ? [...text.matchAll(pattern)].map((m) => m.index)
      : [...Array(Math.max(last, 0)).keys()].filter((i) => kind !== 'swap' || text[i] !== text[i + 1]);
    const random = seededRandom(seed ^ hash(`${name}:${kind}`));
    // A partial Fisher-Yates shuffle: the first `perClass` positions of a random permutation.
    for (let i = 0; i < Math.min(perClass, positions.length); i++) {
      const j = i + Math.floor(random() * (positions.length - i));
      const [picked, displaced] = [itemAt(positions, j), itemAt(positions, i)];
      [positions[i], positions[j]] = [picked, displaced];
      out.push(make(text, kind, picked));
    }
  }
  return out;
}
