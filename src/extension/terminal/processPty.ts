import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';

export interface ProcessPtyOptions {
  executable: string;
  args: string[];
  env: Record<string, string>;
  /** Every chunk of output, for the log channel. */
  onOutput: (text: string) => void;
  /** Standard output alone (the CLI's result lines; its progress goes to stderr). */
  onStdout?: (text: string) => void;
  onExit: (exitCode: number | undefined, error?: string) => void;
}

/**
 * A terminal that runs ONE program from an argv array (no shell, nothing interpolated) and shows
 * its output live. We own the process, so the exit status is exact with or without shell
 * integration, and the terminal stays open after the end so the user can read the build log.
 * Ctrl+C stops the program.
 */
export class ProcessPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private child: ChildProcess | undefined;
  private finished = false;

  constructor(private readonly options: ProcessPtyOptions) {}

  open(): void {
    const { executable, args, env } = this.options;
    this.writeEmitter.fire(`\x1b[2m$ ${[executable, ...args].join(' ')}\x1b[0m\r\n`);
    const child = spawn(executable, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const forward = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.options.onOutput(text);
      this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
    };
    child.stdout.on('data', (chunk: Buffer) => {
      this.options.onStdout?.(chunk.toString('utf8'));
      forward(chunk);
    });
    child.stderr.on('data', forward);
    child.on('error', (error) => this.finish(undefined, error.message));
    child.on('close', (code, signal) =>
      this.finish(code ?? undefined, signal ? `stopped by ${signal}` : undefined),
    );
  }

  private finish(exitCode: number | undefined, error?: string): void {
    if (this.finished) return;
    this.finished = true;
    const colour = exitCode === 0 ? '32' : '31';
    this.writeEmitter.fire(
      `\r\n\x1b[${colour}m[${error ?? `exit ${exitCode ?? '?'}`}]\x1b[0m press any key to close\r\n`,
    );
    this.options.onExit(exitCode, error);
  }

  handleInput(data: string): void {
    if (!this.finished) {
      if (data === '\x03') this.child?.kill('SIGINT');
      return;
    }
    this.closeEmitter.fire();
  }

  close(): void {
    if (!this.finished) this.child?.kill('SIGTERM');
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
