// Fails (exit 1) when the TypeScript sources import each other in a cycle, counting static,
// type-only, re-export and dynamic `import()` edges alike: a cycle is a layering mistake even when
// it happens to load (the probe engine once reached itself through a dynamic import).
// Usage: node scripts/importCycles.mjs [dir...]   (default: src test bench). Run by `npm run lint`.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src', 'test', 'bench'];

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter(
      (f) =>
        /\.(ts|mts)$/.test(f) &&
        !f.endsWith('.d.ts') &&
        !f.includes(`${join('src', 'nix', 'generated')}`) &&
        statSync(f).isFile(),
    );
}

/** Every module specifier a file names: import/export declarations, import() and import-type nodes. */
export function specifiers(fileName, text) {
  const found = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      // A computed import() cannot be followed; the sources have none, and lint should say so.
      found.push(arg && ts.isStringLiteralLike(arg) ? arg.text : null);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  return found;
}

/** `./x.js` written in a .ts source means `./x.ts` (NodeNext resolution). */
function resolveLocal(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    join(base, 'index.ts'),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

export function importGraph(files) {
  const graph = new Map();
  const problems = [];
  for (const file of files) {
    const edges = [];
    for (const spec of specifiers(file, readFileSync(file, 'utf8'))) {
      if (spec === null) {
        problems.push(`${relative(root, file)}: import() with a computed specifier`);
        continue;
      }
      const target = resolveLocal(file, spec);
      if (target !== undefined) edges.push(target);
    }
    graph.set(file, edges);
  }
  return { graph, problems };
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const connect = (v) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indices.get(w)));
    }
    if (low.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) connect(v);
  return found;
}

/** One concrete loop through a component, for the message: a -> b -> … -> a. */
function loopThrough(graph, component) {
  const members = new Set(component);
  const start = component[component.length - 1];
  const path = [start];
  const seen = new Set([start]);
  for (;;) {
    const here = path[path.length - 1];
    const next = (graph.get(here) ?? []).filter((n) => members.has(n));
    if (next.includes(start)) return [...path, start];
    const step = next.find((n) => !seen.has(n));
    if (step === undefined) return [...path, start];
    path.push(step);
    seen.add(step);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = dirs.flatMap((d) => sourceFiles(resolve(root, d)));
  const { graph, problems } = importGraph(files);
  const found = cycles(graph);
  for (const p of problems) console.error(`import-cycles: ${p}`);
  for (const component of found) {
    console.error(
      `import-cycles: ${loopThrough(graph, component)
        .map((f) => relative(root, f))
        .join(' -> ')}`,
    );
  }
  if (found.length > 0 || problems.length > 0) process.exit(1);
  console.error(`import-cycles: none among ${files.length} files`);
}
