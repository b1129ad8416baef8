/** Human-readable `check` output: compiler-style locations (clickable in terminals and editors). */
import type { Finding } from '../protocol/findings.js';
import { printable, printablePath } from '../protocol/shellText.js';

export function formatFindingsText(
  findings: readonly Finding[],
  fileCount: number,
  texts: ReadonlyMap<string, string>,
): string {
  const out: string[] = [];
  for (const f of findings) {
    const line = f.range.start.line + 1;
    const column = f.range.start.character + 1;
    // File names, messages (which quote option names) and source lines come from the input.
    out.push(
      `${f.file === undefined ? '<input>' : printablePath(f.file)}:${line}:${column}: ${f.severity} [${f.code}] ${printable(f.message)}`,
    );
    const source = f.file ? texts.get(f.file)?.split(/\r\n|\r|\n/)[f.range.start.line] : undefined;
    if (source !== undefined) {
      const width =
        f.range.end.line === f.range.start.line
          ? Math.max(1, f.range.end.character - f.range.start.character)
          : Math.max(1, source.length - f.range.start.character);
      out.push(`    ${printable(source, { keepTabs: true })}`);
      // The caret stays under the finding when escapes lengthened the line before it.
      const indent = printable(source.slice(0, f.range.start.character), { keepTabs: true }).replace(
        /[^\t]/g,
        ' ',
      );
      out.push(`    ${indent}${'^'.repeat(width)}`);
    }
    // The full explanation stays in the terminal (the editor shows it on hover).
    if (f.detail !== undefined) out.push(`    ${printable(f.detail)}`);
    for (const r of f.related ?? [])
      out.push(
        `    see ${printablePath(r.file ?? f.file ?? '<input>')}:${r.range.start.line + 1}:${r.range.start.character + 1}: ${printable(r.message)}`,
      );
    for (const fix of f.fixes)
      out.push(`    fix${fix.isPreferred ? ' (preferred)' : ''}: ${printable(fix.title)}`);
    out.push('');
  }
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  out.push(
    `${fileCount} file${fileCount === 1 ? '' : 's'} checked: ${count('error')} error(s), ${count('warning')} warning(s), ${count('information') + count('hint')} note(s)`,
  );
  return `${out.join('\n')}\n`;
}
