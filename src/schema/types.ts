/** One documented option, as hover and completion show it and as the rules check it. */
export interface OptionDoc {
  /** Full path, list elements as `*`: `['nix', 'buildMachines', '*', 'hostName']`. */
  path: string[];
  /** The Nix module type as the upstream declaration spells it, e.g. `list of string`. */
  type: string;
  /** The default as Nix text, when there is one. */
  default?: string;
  /** One line (or a few) saying what it does and any trap. */
  doc: string;
  /** Where the declaration lives upstream. */
  source: string;
}
