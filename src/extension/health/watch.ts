import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * The system files whose change can change the verdict: nix-darwin rewrites /etc/nix/machines and
 * /etc/ssh/ssh_config.d on `darwin-rebuild switch`, and root's ssh config decides what the
 * nix-daemon's ssh reads (docs/dev/domain.md#how-nix-connects-to-a-remote-builder). `root` is the probes' staging folder ("/" normally).
 */
export function systemWatchTargets(root: string): Array<{ dir: string; glob: string }> {
  const at = (p: string): string => path.join(root, p);
  return [
    { dir: at('/etc/nix'), glob: '{machines,nix.conf,nix.custom.conf}' },
    { dir: at('/etc/ssh'), glob: 'ssh_config' },
    { dir: at('/etc/ssh/ssh_config.d'), glob: '*' },
    { dir: at('/var/root/.ssh'), glob: '{config,known_hosts}' },
  ];
}

/** Watches those files (absolute paths, outside any workspace) and calls `onChange`, debounced. */
export function watchSystemFiles(
  root: string,
  onChange: (uri: vscode.Uri) => void,
  debounceMs = 1000,
): vscode.Disposable {
  const disposables: vscode.Disposable[] = [];
  let timer: NodeJS.Timeout | undefined;
  let last: vscode.Uri | undefined;
  const fire = (uri: vscode.Uri): void => {
    last = uri;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (last) onChange(last);
    }, debounceMs);
  };
  for (const target of systemWatchTargets(root)) {
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(target.dir), target.glob),
    );
    disposables.push(
      watcher,
      watcher.onDidChange(fire),
      watcher.onDidCreate(fire),
      watcher.onDidDelete(fire),
    );
  }
  return new vscode.Disposable(() => {
    if (timer) clearTimeout(timer);
    for (const d of disposables) d.dispose();
  });
}
