/** The value shapes the rules can check statically (a subset of the Nix module types). */
export type ValueShape =
  | { kind: 'bool' }
  | { kind: 'int'; positive?: boolean }
  | { kind: 'string' }
  /** `nullable`: null is accepted too (`null or one of …`). */
  | { kind: 'enum'; values: readonly string[]; nullable?: boolean }
  | { kind: 'listOfString' }
  | { kind: 'nullOrString' }
  /** Anything: a package, a module, a set we do not check. */
  | { kind: 'any' };

/** One documented option, as hover and completion show it and as the rules check it. */
export interface OptionDoc {
  /** Full path, list elements as `*`: `['nix', 'buildMachines', '*', 'hostName']`. */
  path: string[];
  /** The Nix module type as the upstream declaration spells it, e.g. `list of string`. */
  type: string;
  /** What the rules accept as a value. */
  shape: ValueShape;
  /** The default as Nix text, when there is one. */
  default?: string;
  /** One line (or a few) saying what it does and any trap. */
  doc: string;
  /** Where the declaration lives upstream. */
  source: string;
}

/** An option people write that does not exist, with where the setting really lives. */
export interface MisplacedOption {
  /** Where people write it, e.g. `['nix', 'linux-builder', 'hostPort']`. */
  path: string[];
  /** The correct path, when the same value simply belongs elsewhere. */
  correctPath?: string[];
  /** Why it does not exist and what to do instead. */
  advice: string;
}
