/**
 * What the locator tells the rules about a parsed .nix file: every option definition it can
 * see statically, whatever the spelling (dotted paths, nested sets, quoted names, mkIf/mkMerge/
 * mkDefault/mkForce/mkOverride, module functions, explicit `config =` sections, inline `imports`,
 * flakes' `darwinSystem { modules = [ … ]; }`, and `nix.linux-builder.config` as a set or function).
 * Offsets are UTF-16 code-unit offsets into the document text (JavaScript string indices).
 */

export interface Span {
  from: number;
  to: number;
}

/** A value as far as it can be known without evaluating Nix. */
export type StaticValue =
  /** `value` is null when the string has interpolations. `quote` tells how it was written. */
  | { kind: 'string'; value: string | null; quote: 'double' | 'indented'; span: Span }
  | { kind: 'int'; value: number; span: Span }
  | { kind: 'float'; value: number; span: Span }
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'null'; span: Span }
  /** A path literal (`./key`, `/etc/nix/builder_ed25519`, `~/.ssh/id`, `<nixpkgs>`): `text` as written. */
  | { kind: 'path'; text: string; span: Span }
  | { kind: 'list'; items: StaticValue[]; span: Span }
  /** An attribute set; its bindings are reported as definitions of their own. */
  | { kind: 'attrs'; span: Span }
  | { kind: 'function'; span: Span }
  /** Anything else (a variable, a call, an operator…): known to exist, not known in value. */
  | { kind: 'other'; text: string; span: Span };

export type Priority = 'normal' | 'mkDefault' | 'mkForce' | 'mkOverride' | 'mkOptionDefault';

export interface ModuleInfo {
  /** The whole module expression (the function, or the attribute set). */
  span: Span;
  /** The attribute set that holds the module's definitions (its `config = { … }` set when explicit). */
  body: Span;
  /** The option path under which this module's definitions live: `[]` for a nix-darwin module,
   *  `['nix', 'linux-builder', 'config']` for the builder VM's NixOS module. */
  prefix: string[];
  kind: 'file' | 'inline' | 'flake-module' | 'builder-config';
  /** When the module is a function `{ config, lib, ... }: …`, its formals. */
  formals?: {
    names: string[];
    hasEllipsis: boolean;
    /** The `{ … }` of the formals, for adding an argument such as `lib`. */
    span: Span;
  };
  /** Names in scope by `with X;` around the module body (e.g. `lib` makes `mkForce` usable bare). */
  withScopes: string[];
  /** True when the module has explicit `options`/`config` sections. */
  explicitConfig: boolean;
  /** A NixOS module (`nixosSystem { modules = [ … ]; }`, or imported by one): not part of the Mac's
   *  configuration, e.g. a VM of the user's own built from nixpkgs' darwin-builder profile. */
  nixos?: true;
  /** For a module in a `darwinSystem { modules = [ … ]; }` list (or imported by one): that call. */
  system?: SystemCall;
}

/** A `…darwinSystem { modules = [ … ]; }` (or `nixosSystem`) call: one machine's configuration. */
export interface SystemCall {
  /** The attribute it is bound to (`darwinConfigurations.<name>`), if any. */
  name: string | undefined;
  /** Unique within the file: the name, or `<builder>@<line>` when it has none or shares it. */
  key: string;
  builder: 'darwinSystem' | 'nixosSystem';
  span: Span;
  /** The files its `modules` list names by relative path (`./hosts/work.nix`, `./hosts/work`), as written. */
  modulePaths: string[];
}

/** A module file named by relative path in an `imports` list (`./hardware.nix`, `../common`). */
export interface ModuleImport {
  path: string;
  span: Span;
  /** The module whose `imports` it is in. */
  module: ModuleInfo;
}

export interface OptionDefinition {
  /** The full option path as the module system sees it; list elements are `*`, interpolated
   *  names `${…}`. E.g. `['nix', 'buildMachines', '*', 'hostName']`. */
  path: string[];
  /** For each element of `path`, where that name is written (for `*`: the list element). */
  pathSpans: Span[];
  /** How many trailing elements of `path` the binding's own attribute path spells
   *  (`nix.linux-builder.enable = …` inside `{ }` at top level: 3). */
  ownLength: number;
  /** The attribute name that ends the path (the last element of the binding's attribute path). */
  nameSpan: Span;
  /** The whole binding `a.b = value;`, for removing it. For a name of `inherit a b;`: the whole
   *  inherit, which may hold other names too (see `inherited`). */
  bindingSpan: Span;
  /** Defined by `inherit` (`inherit (cfg) maxJobs;`): its binding holds only a name, no `=`. */
  inherited?: boolean;
  /** The value after unwrapping mkIf/mkDefault/mkForce/mkOverride/mkMerge. */
  value: StaticValue;
  /** Inside `mkIf` or `if … then … else`: may not apply. */
  conditional: boolean;
  priority: Priority;
  module: ModuleInfo;
  /** For definitions inside a list element (`nix.buildMachines = [ { … } ]`): that element's span,
   *  so rules can group the fields of one entry. */
  entrySpan?: Span;
  /** Not written by the user: a definition a module they import makes (Determinate's module sets
   *  `nix.enable = mkForce false`). `value.span` is the import; never edit it as a binding. */
  implied?: string;
}

/** An attribute set that stands for an option path: where a fix can add a binding. */
export interface AttrSetInfo {
  path: string[];
  /** From `{` to `}` inclusive. */
  span: Span;
  /** Indentation of the bindings inside (or the set's own indentation plus two spaces if empty). */
  innerIndent: string;
  module: ModuleInfo;
  /** For list elements (`nix.buildMachines = [ { … } ]`): the element's span. */
  entrySpan?: Span;
}

/** A `[ … ]` list that is the value of an option (e.g. `nix.buildMachines`, `imports`). */
export interface ListInfo {
  path: string[];
  /** From `[` to `]` inclusive. */
  span: Span;
  innerIndent: string;
  module: ModuleInfo;
}

export interface Located {
  definitions: OptionDefinition[];
  attrsets: AttrSetInfo[];
  lists: ListInfo[];
  modules: ModuleInfo[];
  /** The system calls in the file (hosts of a flake), in document order. */
  systems: SystemCall[];
  /** Module files its modules import by relative path. */
  imports: ModuleImport[];
}
