import * as vscode from 'vscode';

/** The scheme of the extension's own documents: evidence, the doctor report, rule pages, test build. */
export const DOC_SCHEME = 'linux-builder-doctor';

/**
 * Read-only documents under {@link DOC_SCHEME}. A TextDocumentContentProvider's documents are never
 * dirty and never untitled, so closing their tabs asks nothing (an untitled document with content
 * asks to be saved). Content is produced on demand by a source per path (evidence follows the last
 * health check) or set once (the report: collecting it runs the probes again).
 */
export class DoctorDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly fixed = new Map<string, string>();
  private readonly sources: Array<{ prefix: string; render: (path: string) => string | undefined }> = [];

  /** Paths starting with `prefix` render through `render` (undefined: the document says it is gone). */
  addSource(prefix: string, render: (path: string) => string | undefined): void {
    this.sources.push({ prefix, render });
  }

  /** Sets the text of one path (the report) and tells open editors and previews. */
  set(path: string, text: string): vscode.Uri {
    this.fixed.set(path, text);
    const uri = docUri(path);
    this.changed.fire(uri);
    return uri;
  }

  get(path: string): string | undefined {
    return this.fixed.get(path);
  }

  /** Tells open documents under `prefix` that their source changed (a new health check). */
  refresh(prefix: string): void {
    for (const document of vscode.workspace.textDocuments) {
      const uri = document.uri;
      if (uri.scheme === DOC_SCHEME && uri.path.startsWith(prefix)) this.changed.fire(uri);
    }
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const text = this.fixed.get(uri.path);
    if (text !== undefined) return text;
    for (const source of this.sources) {
      if (!uri.path.startsWith(source.prefix)) continue;
      const rendered = source.render(uri.path);
      if (rendered !== undefined) return rendered;
    }
    return `# Not available\n\nLinux Builder Doctor has nothing to show for \`${uri.path}\` any more (run the health checks again).\n`;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function docUri(path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DOC_SCHEME, path });
}

/**
 * Opens one of our documents rendered (the built-in Markdown preview) and returns the underlying
 * read-only text document (tests read it; the preview is what the user sees).
 */
export async function showRendered(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return document;
}
