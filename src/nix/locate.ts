/**
 * Finds every option definition a .nix file makes, whatever the spelling (see model.ts):
 * modules (files, inline `imports`, flakes' `darwinSystem { modules = [ … ]; }`, and
 * `nix.linux-builder.config` as the builder VM's own module), dotted and nested bindings,
 * quoted and interpolated names, and values wrapped in mkIf/mkMerge/mkDefault/…/if-then-else.
 * Reads only the syntax tree; parts that failed to parse are skipped, never fatal.
 */
import { lineNumberAt, type SourceText } from './sourceText.js';
import { IterMode, type SyntaxNode, type Tree, type TreeCursor } from '@lezer/common';
import type {
  AttrSetInfo,
  ListInfo,
  Located,
  ModuleImport,
  ModuleInfo,
  OptionDefinition,
  Priority,
  Span,
  StaticValue,
  SystemCall,
} from './model.js';
import type { ParsedNix } from './parse.js';
import { innerIndent } from './indent.js';
import { samePath } from '../schema/index.js';
import { isExpression, spanOf, staticValue } from './staticValue.js';
import { stringValue } from './strings.js';
import { splitAtMissingSemicolon } from './recover.js';
import { errorNodes, memoFor, newTreeMemo } from './treeMemo.js';
import { replay, type Recording, type ReplayedBodies } from './locateMemo.js';
import { EMPTY_INDEX, locateIndex, type LocateIndex } from './locateIndex.js';
import { firstNames } from './bufferedNames.js';
import {
  attrName,
  calleeName,
  expressionChildren,
  flattenApply,
  unwrapValue,
  type Unwrapped,
} from './unwrap.js';
import { ownText } from './ownText.js';

/**
 * Which part of a file to read: `all` of what lies at and below `path`, `some` (read on, keep
 * only what a deeper path keeps) or `none` (skip it). The rules only read a few option paths,
 * so skipping the rest makes their locate a fraction of the full one.
 */
export type PathFilter = (path: readonly string[]) => 'all' | 'some' | 'none';

export interface LocateOptions {
  /** Keep only the definitions, sets and lists at paths it admits (modules are always kept). */
  only?: PathFilter;
}

const everything: PathFilter = () => 'all';

/** Where the definitions being read go. */
interface Scope {
  module: ModuleInfo;
  path: string[];
  spans: Span[];
  conditional: boolean;
  priority: Priority;
  entrySpan?: Span | undefined;
}

/** Top-level keys the module system reads itself (lib/modules.nix unifyModuleSyntax): not options. */
const moduleKeys = new Set([
  'imports',
  'options',
  'config',
  '_file',
  'key',
  'disabledModules',
  'meta',
  'freeformType',
  '_class',
]);
/** The top-level names topKeys reports, as bits. */
const KEY_CONFIG = 1;
const KEY_OPTIONS = 2;
const KEY_INPUTS = 4;
const KEY_OUTPUTS = 8;
const topKeyFlags = new Map([
  ['config', KEY_CONFIG],
  ['options', KEY_OPTIONS],
  ['inputs', KEY_INPUTS],
  ['outputs', KEY_OUTPUTS],
]);

/** A subtree being recorded (Locator.memoStart). */
interface Mark {
  tree: Tree;
  fullKey: string;
  from: number;
  to: number;
  scope: Scope;
  definitions: number;
  attrsets: number;
  lists: number;
  modules: number;
  imports: number;
  bodies: number;
  impure: number;
}
const REPLAYED = 'replayed';

/** A number per path filter, for the memo's keys (what a subtree gives depends on the filter). */
const filterIds = new WeakMap<PathFilter, number>();
let filtersSeen = 0;
function filterId(filter: PathFilter): number {
  let id = filterIds.get(filter);
  if (id === undefined) {
    id = ++filtersSeen;
    filterIds.set(filter, id);
  }
  return id;
}
const builderConfigPath = ['nix', 'linux-builder', 'config'];
const systemBuilders = new Set(['darwinSystem', 'nixosSystem']);

const isBindingItem = (n: SyntaxNode): boolean => n.name === 'Binding' || n.name === 'Inherit';

/**
 * Where flakes publish nix-darwin modules by name: a flake's `darwinModules.<name>` output, and
 * flake-parts' `flake.darwinModules.<name>` and `flake.modules.darwin.<name>` (flake-parts
 * modules/flake.nix and extras/modules.nix). Each value is a nix-darwin module.
 */
const flakeModuleSets: readonly (readonly string[])[] = [
  ['darwinModules'],
  ['flake', 'darwinModules'],
  ['flake', 'modules', 'darwin'],
];
/** The mentions that can make a binding one of them (read only inside the bindings locateIndex finds). */
const FLAKE_MODULE_HINT = /\bdarwin(?:Modules)?\b/g;

/**
 * The file a `modules`/`imports` element names by relative path: `./x.nix`, `../dir`,
 * `(import ./x.nix)`; null for anything else (interpolated paths cannot be followed statically).
 */
function modulePath(node: SyntaxNode, text: SourceText): string | null {
  while (node.name === 'Parens') {
    const inner = expressionChildren(node)[0];
    if (!inner) return null;
    node = inner;
  }
  if (node.name === 'Apply') {
    const { callee, args } = flattenApply(node);
    const [arg] = args;
    if (
      args.length !== 1 ||
      !arg ||
      callee.name !== 'Identifier' ||
      text.slice(callee.from, callee.to) !== 'import'
    )
      return null;
    node = arg;
  }
  if (node.name !== 'Path' || node.getChild('PathStart')) return null;
  const path = text.slice(node.from, node.to);
  return path.startsWith('./') || path.startsWith('../') ? ownText(path) : null;
}

/** The list literals a list-valued expression is made of: `[ … ]`, `[ … ] ++ [ … ]`, `([ … ])`. */
function listOperands(node: SyntaxNode): SyntaxNode[] {
  if (node.name === 'List') return [node];
  if ((node.name === 'BinaryExpr' && node.getChild('ConcatOp')) || node.name === 'Parens') {
    return expressionChildren(node).flatMap(listOperands);
  }
  return [];
}

/**
 * The expression a variable is bound to by an enclosing `let` or `rec { }`, or null (a function
 * argument of that name, `with`, or anything else that hides or makes it unknowable).
 */
function resolveVariable(variable: SyntaxNode, text: SourceText): SyntaxNode | null {
  const name = text.slice(variable.from, variable.to);
  for (let scope = variable.parent; scope; scope = scope.parent) {
    if (scope.name === 'Lambda') {
      const params = [
        ...scope.getChildren('Param'),
        ...(scope
          .getChild('Formals')
          ?.getChildren('Formal')
          .flatMap((f) => f.getChildren('Param')) ?? []),
      ];
      if (params.some((p) => text.slice(p.from, p.to) === name)) return null;
    }
    const binds =
      scope.name === 'Let' || scope.name === 'LetSet' || (scope.name === 'AttrSet' && scope.getChild('rec'));
    if (!binds) continue;
    for (const binding of scope.getChildren('Binding')) {
      const path = binding.getChild('AttrPath');
      const only = path?.firstChild;
      // A one-name path (node objects are not unique in Lezer: compare positions).
      if (!only || only.to !== path.to || only.name !== 'AttrName' || text.slice(only.from, only.to) !== name)
        continue;
      for (let c = binding.getChild('=')?.nextSibling ?? null; c; c = c.nextSibling)
        if (isExpression(c)) return c;
    }
  }
  return null;
}

function piecesSpan(pieces: SyntaxNode[]): Span | undefined {
  const first = pieces[0];
  const last = pieces.at(-1);
  return first && last ? { from: first.from, to: last.to } : undefined;
}

class Locator implements Located {
  readonly definitions: OptionDefinition[] = [];
  readonly attrsets: AttrSetInfo[] = [];
  readonly lists: ListInfo[] = [];
  readonly modules: ModuleInfo[] = [];
  readonly systems: SystemCall[] = [];
  readonly imports: ModuleImport[] = [];
  /** Where the sets read as module bodies so far start: those read here, and those replayed. */
  private readonly moduleBodies = new Set<number>();
  private readonly replayedBodies: ReplayedBodies[] = [];
  /** Every body, in order (a recording keeps its part, locateMemo.ts). */
  private readonly bodyLog: number[] = [];
  /** Bumped by whatever reads beyond the subtree it is in (a variable's binding, a set already
   *  read as a module elsewhere): what encloses it is not kept then. */
  private impure = 0;

  constructor(
    private readonly text: SourceText,
    private readonly only: PathFilter = everything,
    /** Every error node's span, in document order: a binding without one inside did not lose
     *  its `;` (recover.ts). Null: not known, any binding may have. */
    private readonly errors: readonly Span[] | null = null,
    /** Per-subtree results of earlier locates of the same document (locateMemo.ts), if any. */
    private readonly memo: WeakMap<Tree, Map<string, Recording>> | null = null,
    /** Per-subtree top-level key flags (topKeys). */
    private readonly keysMemo: WeakMap<Tree, number> | null = null,
    /**
     * The subtrees met before without being recorded, when only those are recorded (after an
     * incremental parse); null: record every subtree (the first locate of a document).
     */
    private readonly sightings: WeakMap<Tree, true> | null = null,
  ) {}

  /** Whether an error node lies within [from, to]. */
  private errorWithin(from: number, to: number): boolean {
    const { errors } = this;
    if (!errors) return true;
    let low = 0;
    let high = errors.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((errors[mid]?.from ?? 0) < from) low = mid + 1;
      else high = mid;
    }
    const first = errors[low];
    return first !== undefined && first.from <= to;
  }

  private decode = (node: SyntaxNode): string | null => stringValue(node, this.text);

  /** The names of an AttrPath, with their spans. */
  private attrPath(path: SyntaxNode): { names: string[]; spans: Span[] } {
    const names: string[] = [];
    const spans: Span[] = [];
    for (let c = path.firstChild; c; c = c.nextSibling) {
      if (c.name !== 'AttrName' && c.name !== 'String' && c.name !== 'Interpolation') continue;
      names.push(attrName(c, this.text, this.decode));
      spans.push(spanOf(c));
    }
    return { names, spans };
  }

  /**
   * Which of the top-level names the locator asks about (`config`/`options`: an explicit module;
   * `inputs`/`outputs`: a flake) a set binds, as a bit set. Read per subtree and kept by it
   * (treeMemo.ts), so a big set costs its rebuilt spine after a keystroke, not every binding.
   */
  private topKeys(set: SyntaxNode): number {
    const cursor = set.cursor(IterMode.IncludeAnonymous);
    const memo = this.keysMemo;
    const collect = (): number => {
      let flags = 0;
      if (!cursor.firstChild()) return flags;
      do {
        if (cursor.type.isAnonymous) {
          const tree = cursor.tree;
          let own = tree ? memo?.get(tree) : undefined;
          if (own === undefined) {
            own = collect();
            if (tree) memo?.set(tree, own);
          }
          flags |= own;
        } else if (cursor.name === 'Binding') {
          flags |= topKeyFlags.get(this.firstNames(cursor, 1)[0] ?? '') ?? 0;
        }
      } while (cursor.nextSibling());
      cursor.parent();
      return flags;
    };
    return collect();
  }

  /**
   * Calls `visit` for each Binding and Inherit of a set, with the first `count` names of a
   * binding's attribute path (none for an Inherit, or a binding without a path). The names are
   * read with one cursor, which steps through a big set (kept in balanced subtrees) much faster
   * than SyntaxNode navigation; `node()` makes the item's SyntaxNode only when it is wanted.
   */
  private eachItem(
    set: SyntaxNode,
    count: number,
    visit: (binding: boolean, names: string[], node: () => SyntaxNode, from: number, to: number) => void,
  ): void {
    const cursor = set.cursor();
    const node = (): SyntaxNode => cursor.node;
    // (A function, so the compiler does not narrow the name across cursor moves.)
    const name = (): string => cursor.name;
    if (!cursor.firstChild()) return;
    do {
      const binding = name() === 'Binding';
      if (!binding && name() !== 'Inherit') continue;
      const { from, to } = cursor;
      const names = binding ? this.firstNames(cursor, count) : [];
      visit(binding, names, node, from, to);
    } while (cursor.nextSibling());
  }

  /**
   * Whether the filter rules out everything a binding whose path starts with `names` defines
   * (never when the tree has errors: a binding that lost its `;` hides another one, recover.ts).
   */
  private filteredOut(scope: Scope, names: string[], from: number, to: number): boolean {
    if (this.only === everything || this.errorWithin(from, to)) return false;
    // A filter rules out a path only with all its extensions, so a prefix decides.
    return (
      this.only(
        scope.path.length >= 2 ? scope.path : [...scope.path, ...names.slice(0, 2 - scope.path.length)],
      ) === 'none'
    );
  }

  /** Reads a module expression (a set, or a function returning one). Returns null if it is not one. */
  addModule(
    expr: SyntaxNode,
    kind: ModuleInfo['kind'],
    prefix: string[],
    prefixSpans: Span[],
    conditional: boolean,
    nixos = false,
    system?: SystemCall,
  ): ModuleInfo | null {
    let node: SyntaxNode | undefined = expr;
    let formals: ModuleInfo['formals'];
    const withScopes: string[] = [];
    while (node && node.name !== 'AttrSet') {
      if (node.name === 'Lambda') {
        const f = node.getChild('Formals');
        if (f && !formals) {
          const names = f.getChildren('Formal').map((x) => {
            const p = x.getChild('Param');
            return p ? ownText(this.text.slice(p.from, p.to)) : '';
          });
          formals = { names, hasEllipsis: f.getChild('Ellipsis') !== null, span: spanOf(f) };
        }
      } else if (node.name === 'With') {
        const scope = expressionChildren(node)[0];
        if (scope) withScopes.push(ownText(this.text.slice(scope.from, scope.to)));
      } else if (!['Parens', 'Let', 'Assert'].includes(node.name)) {
        return null;
      }
      node = expressionChildren(node).at(-1);
    }
    if (!node) return null;
    // `let m = { imports = [ m ]; }; in m` must not loop: each set is read as a module once (which
    // depends on what was read before, beyond the subtree being recorded).
    if (this.readAsModule(node.from)) {
      this.impure++;
      return null;
    }
    this.moduleBodies.add(node.from);
    this.bodyLog.push(node.from);
    const explicitConfig = (this.topKeys(node) & (KEY_CONFIG | KEY_OPTIONS)) !== 0;
    const module: ModuleInfo = {
      span: spanOf(expr),
      body: spanOf(node),
      prefix,
      kind,
      withScopes,
      explicitConfig,
    };
    if (formals) module.formals = formals;
    if (nixos) module.nixos = true;
    if (system) module.system = system;
    this.modules.push(module);
    const scope: Scope = { module, path: prefix, spans: prefixSpans, conditional, priority: 'normal' };
    if (!explicitConfig && this.only(prefix) !== 'none')
      this.attrsets.push(this.attrSetInfo(prefix, node, module));
    this.readModuleSet(node, scope, explicitConfig);
    return module;
  }

  /** Whether the set starting at `from` has been read as a module body already. */
  private readAsModule(from: number): boolean {
    if (this.moduleBodies.has(from)) return true;
    for (const run of this.replayedBodies)
      if (from >= run.from && from < run.to && run.bodies.includes(from)) return true;
    return false;
  }

  private attrSetInfo(path: string[], set: SyntaxNode, module: ModuleInfo, entrySpan?: Span): AttrSetInfo {
    const info: AttrSetInfo = {
      path,
      span: spanOf(set),
      innerIndent: innerIndent(this.text, set, isBindingItem),
      module,
    };
    if (entrySpan) info.entrySpan = entrySpan;
    return info;
  }

  /** The top level of a module: `imports`, `config` (explicit modules) and option definitions. */
  private readModuleSet(set: SyntaxNode, scope: Scope, explicit: boolean): void {
    if (!explicit) {
      this.readItems(set, scope, 'module');
      return;
    }
    // An explicit module defines options only under `config` (and reads `imports`).
    let bodyFound = false;
    const items: SyntaxNode[] = [];
    this.eachItem(set, 2, (_binding, _first, node) => {
      items.push(node());
    });
    for (const item of items) {
      if (item.name === 'Inherit') continue;
      const pathNode = item.getChild('AttrPath');
      if (!pathNode) continue;
      const { names, spans } = this.attrPath(pathNode);
      const first = names[0] ?? '';
      if (first === 'imports' && names.length === 1) {
        this.readImports(item, scope);
      } else if (first === 'config') {
        if (names.length > 1) {
          this.readBinding(item, names.slice(1), spans.slice(1), scope);
          continue;
        }
        // `config = { … }` (or mkIf/mkMerge of sets): its bindings are the definitions.
        for (const u of this.valueOf(item)) {
          if (u.node.name !== 'AttrSet') continue;
          if (!bodyFound) scope.module.body = spanOf(u.node);
          bodyFound = true;
          const inner = this.inner(scope, u);
          if (this.only(scope.path) === 'none') continue;
          this.attrsets.push(this.attrSetInfo(scope.path, u.node, scope.module));
          this.readSet(u.node, inner);
        }
      }
    }
  }

  private readSet(set: SyntaxNode, scope: Scope): void {
    this.readItems(set, scope, 'set');
  }

  /** What, besides the subtree itself, decides what reading it gives (the memo's key). */
  private memoKey(kind: string, scope: Scope): string {
    return this.memo
      ? [
          filterId(this.only),
          kind,
          scope.path.join('\u0000'),
          scope.conditional ? 1 : 0,
          scope.priority,
          scope.module.kind,
          scope.module.nixos ? 1 : 0,
          scope.module.system ? 1 : 0,
          scope.entrySpan ? 1 : 0,
        ].join('\u0001')
      : '';
  }

  /**
   * Reads the items of a set (`module`, `set`) or the elements of an `imports` list (`imports`,
   * with whether the list is conditional) in document order, through the balanced runs Lezer keeps
   * long sets and lists in, keeping what each run or item kept as its own Tree gave in the memo and
   * replaying it when the same subtree comes back after an edit (locateMemo.ts). One loop over the
   * runs, not a recursion, and no callback: a set nested 5,000 deep costs the stack no more per
   * level than reading its binding does.
   */
  private readItems(
    node: SyntaxNode,
    scope: Scope,
    kind: 'module' | 'set' | 'imports',
    conditional = scope.conditional,
  ): void {
    const cursor = node.cursor(IterMode.IncludeAnonymous);
    if (!cursor.firstChild()) return;
    const key = this.memoKey(kind === 'imports' && conditional ? 'imports?' : kind, scope);
    // The memo marks of the runs the cursor is inside (null: not kept).
    const open: (Mark | null)[] = [];
    for (;;) {
      const tree = cursor.tree;
      if (cursor.type.isAnonymous) {
        const mark = tree ? this.memoStart(tree, cursor, scope, key) : null;
        if (mark !== REPLAYED) {
          if (cursor.firstChild()) {
            open.push(mark);
            continue;
          }
          if (mark) this.memoEnd(mark);
        }
      } else if (
        kind === 'imports' ? isExpression(cursor) : cursor.name === 'Binding' || cursor.name === 'Inherit'
      ) {
        const mark = tree ? this.memoStart(tree, cursor, scope, key) : null;
        if (mark !== REPLAYED) {
          if (kind === 'imports') this.readImport(cursor.node, scope, conditional);
          else this.readItemAt(cursor, scope, kind);
          if (mark) this.memoEnd(mark);
        }
      }
      while (!cursor.nextSibling()) {
        if (open.length === 0) return;
        cursor.parent();
        const mark = open.pop();
        if (mark) this.memoEnd(mark);
      }
    }
  }

  /** The item at the cursor, unless the filter rules it out (the cursor is left where it was). */
  private readItemAt(cursor: TreeCursor, scope: Scope, kind: 'module' | 'set'): void {
    const { from, to } = cursor;
    if (cursor.name === 'Inherit') {
      this.readInherit(cursor.node, scope);
      return;
    }
    const first = this.firstNames(cursor, 2);
    if (this.filteredOut(scope, first, from, to) && (kind === 'set' || !moduleKeys.has(first[0] ?? '')))
      return;
    const item = cursor.node;
    const pathNode = item.getChild('AttrPath');
    if (!pathNode) return;
    const { names, spans } = this.attrPath(pathNode);
    if (kind === 'set') this.readBinding(item, names, spans, scope);
    else if (names[0] === 'imports' && names.length === 1) this.readImports(item, scope);
    else if (!moduleKeys.has(names[0] ?? '')) this.readBinding(item, names, spans, scope);
  }

  /** The first `count` names of the attribute path of the Binding at the cursor (left there). */
  private firstNames(cursor: TreeCursor, count: number): string[] {
    return firstNames(cursor, this.text, count);
  }

  /**
   * Replays what the subtree at the cursor gave before (REPLAYED), or starts recording what it
   * gives (a mark for memoEnd; null when it cannot be kept). Kept only when nothing in it depends
   * on more than its own text: no error node within it or at its edges (a binding that lost its
   * `;` reads on, recover.ts), nothing that reads beyond it (`impure`); the text before it on its
   * first line (an indentation) is part of the key.
   */
  private memoStart(
    tree: Tree,
    cursor: TreeCursor,
    scope: Scope,
    key: string,
  ): Mark | null | typeof REPLAYED {
    const { memo } = this;
    const { from, to } = cursor;
    if (!memo || this.errorWithin(from, to)) return null;
    const fullKey = `${key}\u0001${this.text.slice(this.text.lastIndexOf('\n', from - 1) + 1, from)}`;
    const byKey = memo.get(tree);
    const known = byKey?.get(fullKey);
    // A subtree an incremental parse made is recorded the second time it is read, when it was
    // kept: most are the runs around the edit, made again by the next keystroke, and recording
    // them copied thousands of objects each time, which then outlived young-generation
    // collections (docs/dev/architecture.md#memory-while-typing).
    if (!byKey && this.sightings && !this.sightings.has(tree)) {
      this.sightings.set(tree, true);
      return null;
    }
    if (byKey && known) {
      byKey.set(
        fullKey,
        replay(known, from, {
          definitions: this.definitions,
          attrsets: this.attrsets,
          lists: this.lists,
          modules: this.modules,
          imports: this.imports,
          replayedBodies: this.replayedBodies,
          bodyLog: this.bodyLog,
          module: scope.module,
          outerSpans: scope.spans,
          outerEntry: scope.entrySpan,
        }),
      );
      return REPLAYED;
    }
    return {
      tree,
      fullKey,
      from,
      to,
      scope,
      definitions: this.definitions.length,
      attrsets: this.attrsets.length,
      lists: this.lists.length,
      modules: this.modules.length,
      imports: this.imports.length,
      bodies: this.bodyLog.length,
      impure: this.impure,
    };
  }

  private memoEnd(mark: Mark): void {
    const { memo } = this;
    if (!memo || this.impure !== mark.impure) return;
    const bodies = this.bodyLog.slice(mark.bodies);
    // A replay hands its bodies on as one range (readAsModule): all must lie in it.
    if (bodies.some((b) => b < mark.from || b >= mark.to)) return;
    let byKey = memo.get(mark.tree);
    if (!byKey) {
      byKey = new Map();
      memo.set(mark.tree, byKey);
    }
    // The key's indentation is a piece of this version's text: kept as its own string.
    byKey.set(ownText(mark.fullKey), {
      from: mark.from,
      to: mark.to,
      outerModule: mark.scope.module,
      outerSpans: mark.scope.spans,
      outerEntry: mark.scope.entrySpan,
      definitions: this.definitions.slice(mark.definitions),
      attrsets: this.attrsets.slice(mark.attrsets),
      lists: this.lists.slice(mark.lists),
      modules: this.modules.slice(mark.modules),
      imports: this.imports.slice(mark.imports),
      bodies,
    });
  }

  private inner(scope: Scope, u: { conditional: boolean; priority: Priority }): Scope {
    return {
      module: scope.module,
      path: scope.path,
      spans: scope.spans,
      conditional: scope.conditional || u.conditional,
      priority: scope.priority !== 'normal' ? scope.priority : u.priority,
      entrySpan: scope.entrySpan,
    };
  }

  /** The value expression of a binding, unwrapped. */
  private valueOf(binding: SyntaxNode): Unwrapped[] {
    const eq = binding.getChild('=');
    for (let c = eq?.nextSibling ?? null; c; c = c.nextSibling) {
      if (isExpression(c)) return unwrapValue(c, this.text);
    }
    return [];
  }

  private readImports(binding: SyntaxNode, scope: Scope): void {
    for (const u of this.valueOf(binding)) {
      if (u.node.name !== 'List') continue;
      const path = [...scope.path, 'imports'];
      if (this.only(path) !== 'none')
        this.lists.push({
          path,
          span: spanOf(u.node),
          innerIndent: innerIndent(this.text, u.node, isExpression),
          module: scope.module,
        });
      // A long list of inline modules is read run by run, like a set's bindings.
      this.readItems(u.node, scope, 'imports', scope.conditional || u.conditional);
    }
  }

  /** One element of an `imports` list: a file named by path, a known flake module, or a module. */
  private readImport(element: SyntaxNode, scope: Scope, conditional: boolean): void {
    const file = modulePath(element, this.text);
    if (file !== null) {
      this.imports.push({ path: file, span: spanOf(element), module: scope.module });
      return;
    }
    this.noteKnownModule(element, scope.module, conditional);
    let module: SyntaxNode | null = element;
    if (element.name === 'Identifier') {
      // Its binding lies beyond the element (and beyond any run it is in).
      this.impure++;
      module = resolveVariable(element, this.text);
    }
    if (module)
      this.addModule(
        module,
        'inline',
        scope.module.prefix,
        scope.spans.slice(0, scope.module.prefix.length),
        conditional,
        scope.module.nixos,
        scope.module.system,
      );
  }

  private readInherit(item: SyntaxNode, scope: Scope): void {
    const source = item.getChild('(') ? expressionChildren(item)[0] : undefined;
    const prefix = source ? ownText(`${this.text.slice(source.from, source.to)}.`) : '';
    for (let c = item.firstChild; c; c = c.nextSibling) {
      if (c.name !== 'AttrName' && c.name !== 'String') continue;
      if (source && c.from < source.to) continue;
      const name = attrName(c, this.text, this.decode);
      const path = [...scope.path, name];
      if (this.only(path) !== 'all') continue;
      const span = spanOf(c);
      this.pushDefinition(
        {
          path,
          pathSpans: [...scope.spans, span],
          ownLength: 1,
          nameSpan: span,
          bindingSpan: spanOf(item),
          inherited: true,
          value: { kind: 'other', text: prefix + name, span },
          conditional: scope.conditional,
          priority: scope.priority,
          module: scope.module,
        },
        scope,
      );
    }
  }

  private pushDefinition(def: OptionDefinition, scope: Scope): void {
    if (scope.entrySpan) def.entrySpan = scope.entrySpan;
    this.definitions.push(def);
  }

  private readBinding(binding: SyntaxNode, names: string[], spans: Span[], scope: Scope): void {
    const split = this.errorWithin(binding.from, binding.to)
      ? splitAtMissingSemicolon(binding, this.text, this.decode)
      : null;
    if (split) {
      this.define(
        spanOf(binding),
        names,
        spans,
        scope,
        () => this.piecesValue(split.head),
        piecesSpan(split.head),
      );
      this.define(
        split.bindingSpan,
        split.names,
        split.spans,
        scope,
        () => this.piecesValue(split.rest),
        piecesSpan(split.rest),
      );
      return;
    }
    this.define(spanOf(binding), names, spans, scope, () => this.valueOf(binding));
  }

  /** The value made of call pieces recovered from a missing `;`: the node itself when only one. */
  private piecesValue(pieces: SyntaxNode[]): Unwrapped[] {
    const [first] = pieces;
    if (pieces.length === 1 && first) return unwrapValue(first, this.text);
    return [];
  }

  /** `otherSpan`: when there is no value node, the source of the value (else it is missing). */
  private define(
    bindingSpan: Span,
    names: string[],
    spans: Span[],
    scope: Scope,
    /** Read only when the path is wanted: a binding the filter rules out may be huge (a `let`
     *  whose `in` is mistyped takes the rest of the file, and unwrapping it walks all of that). */
    valuesOf: () => Unwrapped[],
    otherSpan?: Span,
  ): void {
    const path = [...scope.path, ...names];
    const wanted = this.only(path);
    if (wanted === 'none') return;
    const values = valuesOf();
    const pathSpans = [...scope.spans, ...spans];
    const nameSpan = spans.at(-1) ?? bindingSpan;
    const ownLength = names.length;
    const { module } = scope;
    // (Object literals with the fields in one order, not spreads: one shape, built fast.)
    if (values.length === 0) {
      if (wanted !== 'all') return;
      const span = otherSpan ?? { from: bindingSpan.to, to: bindingSpan.to };
      const value: StaticValue = { kind: 'other', text: ownText(this.text.slice(span.from, span.to)), span };
      this.pushDefinition(
        {
          path,
          pathSpans,
          ownLength,
          nameSpan,
          bindingSpan,
          module,
          value,
          conditional: scope.conditional,
          priority: scope.priority,
        },
        scope,
      );
      return;
    }
    for (const u of values) {
      const inner = this.inner(scope, u);
      if (wanted === 'all') {
        const value = staticValue(u.node, this.text);
        this.pushDefinition(
          {
            path,
            pathSpans,
            ownLength,
            nameSpan,
            bindingSpan,
            module,
            value,
            conditional: inner.conditional,
            priority: inner.priority,
          },
          scope,
        );
      }
      const here: Scope = {
        module: inner.module,
        path,
        spans: pathSpans,
        conditional: inner.conditional,
        priority: inner.priority,
        entrySpan: inner.entrySpan,
      };
      if (
        scope.module.kind !== 'builder-config' &&
        samePath(path, builderConfigPath) &&
        (u.node.name === 'AttrSet' || u.node.name === 'Lambda')
      ) {
        this.addModule(u.node, 'builder-config', builderConfigPath, pathSpans, inner.conditional);
      } else if (u.node.name === 'AttrSet') {
        this.attrsets.push(this.attrSetInfo(path, u.node, scope.module, scope.entrySpan));
        this.readSet(u.node, here);
      } else {
        // `[ … ] ++ [ … ]` defines the option with the elements of both lists.
        for (const list of listOperands(u.node)) this.readList(list, here);
      }
    }
  }

  private readList(list: SyntaxNode, scope: Scope): void {
    // (`scope.path` was admitted by define; `*` below it may not be.)
    this.lists.push({
      path: scope.path,
      span: spanOf(list),
      innerIndent: innerIndent(this.text, list, isExpression),
      module: scope.module,
    });
    for (const element of expressionChildren(list)) {
      for (const u of unwrapValue(element, this.text)) {
        if (u.node.name !== 'AttrSet') continue;
        const entrySpan = spanOf(element);
        const entry: Scope = {
          ...this.inner(scope, u),
          path: [...scope.path, '*'],
          spans: [...scope.spans, entrySpan],
          entrySpan,
        };
        if (this.only(entry.path) === 'none') continue;
        this.attrsets.push(this.attrSetInfo(entry.path, u.node, scope.module, entrySpan));
        this.readSet(u.node, entry);
      }
    }
  }

  /**
   * A module from a flake input whose definitions matter to the rules, imported by `element`:
   * Determinate's `determinate.darwinModules.default` sets `nix.enable = mkForce false` itself
   * (docs/dev/domain.md#determinate-nix), recorded as an implied definition at the import.
   */
  private noteKnownModule(element: SyntaxNode, importer: ModuleInfo | undefined, conditional: boolean): void {
    if (element.name !== 'Select' || importer?.nixos || importer?.prefix.length) return;
    const written = this.text.slice(element.from, element.to);
    if (!/(^|\.)determinate\.darwinModules\.default$/.test(written)) return;
    const path = ['nix', 'enable'];
    if (this.only(path) !== 'all') return;
    const span = spanOf(element);
    // (Without an importer, a module of its own that no recording knows of: never kept.)
    if (!importer) this.impure++;
    const module = importer ?? {
      span,
      body: span,
      prefix: [],
      kind: 'flake-module',
      withScopes: [],
      explicitConfig: false,
    };
    this.definitions.push({
      path,
      pathSpans: [span, span],
      ownLength: 0,
      nameSpan: span,
      bindingSpan: span,
      value: { kind: 'bool', value: false, span },
      conditional,
      priority: 'mkForce',
      module,
      implied: written,
    });
  }

  /** `…darwinSystem { modules = [ … ]; }` / `…nixosSystem { … }` anywhere in the file. */
  readSystemCalls(top: SyntaxNode, index: LocateIndex): void {
    // A call's callee ends in the name (calleeName): the calls are among the outermost
    // applications around the names the index found, met in document order (as a walk would).
    const calls: SyntaxNode[] = [];
    const seenCall = new Set<string>();
    for (const at of index.systemNames) {
      for (let node: SyntaxNode | null = top.resolveInner(at, 1); node; node = node.parent) {
        if (node.name !== 'Apply' || node.parent?.name === 'Apply') continue;
        const key = `${node.from}:${node.to}`;
        if (seenCall.has(key)) continue;
        seenCall.add(key);
        calls.push(node);
      }
    }
    if (calls.length === 0) return;
    calls.sort((a, b) => a.from - b.from || b.to - a.to);
    const seen = new Set<number>();
    for (const call of calls) {
      const { callee, args } = flattenApply(call);
      const name = calleeName(callee, this.text);
      if (!name || !systemBuilders.has(name) || args.length !== 1) continue;
      let arg: SyntaxNode | undefined = args[0];
      while (arg?.name === 'Parens') arg = expressionChildren(arg)[0];
      if (arg?.name !== 'AttrSet') continue;
      const system: SystemCall = {
        name: this.hostName(call),
        key: '',
        builder: name === 'nixosSystem' ? 'nixosSystem' : 'darwinSystem',
        span: spanOf(call),
        modulePaths: [],
      };
      this.systems.push(system);
      for (const binding of arg.getChildren('Binding')) {
        const pathNode = binding.getChild('AttrPath');
        if (!pathNode || !samePath(this.attrPath(pathNode).names, ['modules'])) continue;
        for (const list of this.listsOf(binding)) {
          for (const element of expressionChildren(list)) {
            const file = modulePath(element, this.text);
            if (file !== null) {
              system.modulePaths.push(file);
              continue;
            }
            if (name === 'darwinSystem') this.noteKnownModule(element, undefined, false);
            // nix-darwin's flake template binds the module in a `let`: `modules = [ configuration ];`.
            const module = element.name === 'Identifier' ? resolveVariable(element, this.text) : element;
            if (!module || seen.has(module.from)) continue;
            seen.add(module.from);
            this.addModule(module, 'flake-module', [], [], false, name === 'nixosSystem', system);
          }
        }
      }
    }
    this.keySystems();
  }

  /**
   * The attribute a system call is the value of (`darwinConfigurations.work = …` gives `work`;
   * a helper `mkMac = host: darwinSystem { … }` gives `mkMac`).
   */
  private hostName(call: SyntaxNode): string | undefined {
    let node = call;
    while (node.parent?.name === 'Parens' || node.parent?.name === 'Lambda') node = node.parent;
    const binding = node.parent;
    const pathNode = binding?.name === 'Binding' ? binding.getChild('AttrPath') : null;
    return pathNode ? this.attrPath(pathNode).names.at(-1) : undefined;
  }

  /** Gives each system call a key unique in the file. */
  private keySystems(): void {
    const count = new Map<string | undefined, number>();
    for (const s of this.systems) count.set(s.name, (count.get(s.name) ?? 0) + 1);
    for (const s of this.systems) {
      const line = lineNumberAt(this.text, s.span.from);
      s.key = s.name !== undefined && count.get(s.name) === 1 ? s.name : `${s.name ?? s.builder}@${line}`;
    }
  }

  /**
   * Modules published by name (`flakeModuleSets`): `darwinModules.x = { … }` in a flake's
   * outputs, `flake.modules.darwin.x = …` in a flake-parts module, and the nested spellings
   * (`flake = { darwinModules = { x = …; }; }`). Found from the text's mentions of `darwin`, so a
   * file without one costs one search.
   */
  readFlakeModules(tree: SyntaxNode, index: LocateIndex): void {
    const seen = new Set<number>();
    const { flakeBindings } = index;
    // Only a binding whose path starts with `flake` or `darwinModules` can publish one: the
    // mentions inside those (index) are all that can matter.
    for (let k = 0; k < flakeBindings.length; k += 2) {
      const from = flakeBindings[k] ?? 0;
      const to = flakeBindings[k + 1] ?? 0;
      // One character either side, so `\b` sees what the whole text has there.
      const start = Math.max(0, from - 1);
      const part = this.text.slice(start, Math.min(this.text.length, to + 16));
      for (const match of part.matchAll(FLAKE_MODULE_HINT)) {
        const at = start + match.index;
        if (at < from || at >= to) continue;
        let node: SyntaxNode | null = tree.resolveInner(at, 1);
        while (node && node.name !== 'Binding') node = node.parent;
        if (!node || seen.has(node.from)) continue;
        seen.add(node.from);
        const path = this.fullBindingPath(node);
        if (path) this.readFlakeModuleBinding(node, path);
      }
    }
  }

  /** The attribute path of a binding from the outermost set it is nested in by bindings alone. */
  private fullBindingPath(binding: SyntaxNode): string[] | null {
    const names: string[] = [];
    for (let b: SyntaxNode | null = binding; b;) {
      const pathNode = b.getChild('AttrPath');
      if (!pathNode) return null;
      names.unshift(...this.attrPath(pathNode).names);
      const set: SyntaxNode | null = b.parent;
      b =
        set?.name === 'AttrSet' && !set.getChild('rec') && set.parent?.name === 'Binding' ? set.parent : null;
    }
    return names;
  }

  private readFlakeModuleBinding(binding: SyntaxNode, path: string[]): void {
    for (const set of flakeModuleSets) {
      if (path.length === set.length + 1 && samePath(path.slice(0, set.length), set)) {
        for (const u of this.valueOf(binding)) this.addModule(u.node, 'flake-module', [], [], u.conditional);
        return;
      }
      if (samePath(path, set.slice(0, path.length)) && path.length <= set.length) {
        // A set on the way (`flake.modules = { darwin.x = …; }`): read its bindings.
        for (const u of this.valueOf(binding)) {
          if (u.node.name !== 'AttrSet') continue;
          for (const inner of u.node.getChildren('Binding')) {
            const innerPath = inner.getChild('AttrPath');
            if (innerPath) this.readFlakeModuleBinding(inner, [...path, ...this.attrPath(innerPath).names]);
          }
        }
        return;
      }
    }
  }

  /** The lists a `modules = …` value is made of (`[ … ] ++ [ … ]` included). */
  private listsOf(binding: SyntaxNode): SyntaxNode[] {
    return this.valueOf(binding).flatMap((u) => listOperands(u.node));
  }

  /** A flake: the top set has `inputs` or `outputs`. */
  isFlake(top: SyntaxNode): boolean {
    let node: SyntaxNode | undefined = top;
    while (node && ['Lambda', 'Let', 'With', 'Parens', 'Assert'].includes(node.name))
      node = expressionChildren(node).at(-1);
    if (node?.name !== 'AttrSet') return false;
    return (this.topKeys(node) & (KEY_INPUTS | KEY_OUTPUTS)) !== 0;
  }
}

/** Whether `text` may name a system builder or hold FLAKE_MODULE_HINT (each needs one of these words). */
function mayHoldSystemsOrFlakeModules(text: SourceText): boolean {
  return text.indexOf('darwin') >= 0 || text.indexOf('nixosSystem') >= 0;
}

/**
 * Every option definition, option-valued set and list, and module in the parse; with
 * `options.only`, just those at the paths it admits (the same objects in the same order as
 * the full result filtered by path).
 */
export function locate(parsed: ParsedNix, options: LocateOptions = {}): Located {
  const errors = parsed.hasErrors === false ? [] : errorNodes(parsed.tree, parsed.memo ?? newTreeMemo()).all;
  const memo = parsed.memo;
  // The first locate of a document records every subtree: all of them come back after an edit.
  const first = !memo?.results.has('locate');
  const locator = new Locator(
    parsed.text,
    options.only,
    errors,
    memo ? memoFor<Map<string, Recording>>(memo, 'locate') : null,
    memo ? memoFor<number>(memo, 'topKeys') : null,
    memo && !first ? memoFor<true>(memo, 'locateSightings') : null,
  );
  const top = parsed.tree.topNode;
  const expr = expressionChildren(top)[0];
  if (expr && !locator.isFlake(expr)) locator.addModule(expr, 'file', [], [], false);
  // A parse located once (no memo: check) is not scanned when its text names neither a system
  // builder nor `darwin…` at all: both searches would find nothing (readSystemCalls needs a
  // `darwinSystem`/`nixosSystem` name, readFlakeModules a FLAKE_MODULE_HINT match).
  const index =
    memo || mayHoldSystemsOrFlakeModules(parsed.text)
      ? locateIndex(parsed.tree, parsed.text, memo)
      : EMPTY_INDEX;
  locator.readSystemCalls(top, index);
  locator.readFlakeModules(top, index);
  const { definitions, attrsets, lists, modules, systems, imports } = locator;
  return { definitions, attrsets, lists, modules, systems, imports };
}
