import * as vscode from 'vscode';
import type { HealthModel } from './health/model.js';

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
    const builder = running
      ? 'checking builder…'
      : report
        ? report.verdict.cause === 'ok'
          ? 'builder OK'
          : `builder: ${report.verdict.cause}`
        : 'builder not checked';
    this.item.text = `$(${this.server === 'running' ? 'pulse' : this.server === 'starting' ? 'loading~spin' : 'error'}) Builder Doctor`;
    this.item.detail = `server ${this.server}; ${builder}`;
    this.item.busy = running || this.server === 'starting';
    this.item.severity =
      this.server === 'failed' || (report && report.verdict.cause !== 'ok')
        ? vscode.LanguageStatusSeverity.Warning
        : vscode.LanguageStatusSeverity.Information;
    this.item.command = { command: 'linuxBuilderDoctor.runHealthChecks', title: 'Run Health Checks' };
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
