import * as vscode from 'vscode';
import { causeHeadline } from '../protocol/causeHeadlines.js';
import type { HealthModel } from './health/model.js';
import { isFailure } from './health/verdict.js';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

/** One LanguageStatusItem for `nix` files: language server state and the builder's last verdict. */
export class DoctorStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private server: ServerState = 'starting';
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: HealthModel) {
    this.item = vscode.languages.createLanguageStatusItem('linuxBuilderDoctor.status', { language: 'nix' });
    this.item.name = 'Linux Builder Doctor';
    this.subscription = model.onDidChange(() => this.render());
    this.render();
  }

  setServer(state: ServerState): void {
    this.server = state;
    this.render();
  }

  private render(): void {
    const { report, running } = this.model;
    const verdict = running ? undefined : report?.verdict;
    const broken = verdict !== undefined && isFailure(verdict);
    const builder = running
      ? 'checking builder…'
      : verdict
        ? verdict.cause === 'ok'
          ? 'builder OK'
          : broken
            ? 'builder broken'
            : causeHeadline(verdict.cause)
        : 'builder not checked';
    const serverIcon =
      this.server === 'running' ? 'pulse' : this.server === 'starting' ? 'loading~spin' : 'error';
    // A broken builder leads: the text says so and the item takes the Error severity.
    this.item.text = broken ? '$(error) builder broken' : `$(${serverIcon}) Builder Doctor`;
    this.item.detail = broken
      ? `${causeHeadline(verdict.cause)} (${verdict.cause}); server ${this.server}`
      : `server ${this.server}; ${builder}`;
    this.item.busy = running || this.server === 'starting';
    this.item.severity =
      broken || this.server === 'failed'
        ? vscode.LanguageStatusSeverity.Error
        : verdict && verdict.cause !== 'ok'
          ? vscode.LanguageStatusSeverity.Warning
          : vscode.LanguageStatusSeverity.Information;
    this.item.command = broken
      ? { command: 'linuxBuilderDoctor.showEvidence', title: 'Show Evidence', arguments: ['verdict'] }
      : { command: 'linuxBuilderDoctor.runHealthChecks', title: 'Run Health Checks' };
  }

  /** What the item shows now (the tests read it; LanguageStatusItem has no getter in the UI). */
  get current(): { text: string; detail: string | undefined; severity: vscode.LanguageStatusSeverity } {
    return { text: this.item.text, detail: this.item.detail, severity: this.item.severity };
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
