/** The effective rationale policy per file, from `ownit.rationaleRules {uri}`, cached. */
import * as vscode from "vscode";
import { DEFAULT_RULES, parseRules, type RationaleRules } from "./logic/rationale";
import type { ServerController } from "./server";

export class RulesCache implements vscode.Disposable {
  private readonly rules = new Map<string, RationaleRules>();
  private readonly pending = new Map<string, Promise<RationaleRules>>();
  private readonly disposables: vscode.Disposable[] = [];
  private unsupported = false;

  constructor(private readonly server: ServerController) {
    const watcher = vscode.workspace.createFileSystemWatcher("**/.ownit.yaml");
    const clear = (): void => this.clear();
    this.disposables.push(
      watcher,
      watcher.onDidChange(clear),
      watcher.onDidCreate(clear),
      watcher.onDidDelete(clear),
      server.onDidChangeRunning(() => {
        this.unsupported = false;
        clear();
      }),
    );
  }

  clear(): void {
    this.rules.clear();
    this.pending.clear();
  }

  /** What is known now, without asking (null: not fetched yet). */
  peek(uri: vscode.Uri): RationaleRules | null {
    return this.rules.get(uri.toString()) ?? null;
  }

  get(uri: vscode.Uri): Promise<RationaleRules> {
    const key = uri.toString();
    const known = this.rules.get(key);
    if (known) {
      return Promise.resolve(known);
    }
    if (this.unsupported || !this.server.running) {
      return Promise.resolve(DEFAULT_RULES);
    }
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.server
        .execute<unknown>("ownit.rationaleRules", { uri: key })
        .then(
          (answer) => {
            const rules = parseRules(answer);
            this.rules.set(key, rules);
            return rules;
          },
          (error: Error) => {
            // An older server without the command: defaults, heuristic off, don't ask again.
            if (/rationaleRules|not found|unknown command/i.test(error.message)) {
              this.unsupported = true;
              this.server.log.info(`ownit.rationaleRules unavailable (${error.message}); using defaults`);
            }
            return DEFAULT_RULES;
          },
        )
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
