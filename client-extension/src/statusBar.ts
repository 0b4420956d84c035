/** The status bar item: the workspace's unowned and stale AI regions, counted apart; click to jump to one. */
import * as vscode from "vscode";
import { countOwnership, countsInWords, statusBarText, type OwnershipCounts } from "./logic/statusCounts";
import type { RegionIndex } from "./regions";
import type { ServerController } from "./server";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("ownit.unowned", vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(
    private readonly server: ServerController,
    regions: RegionIndex,
  ) {
    this.item.name = "ownit: unowned AI code";
    this.item.command = "ownit.showUnowned";
    this.render(countOwnership(regions.regions));
    this.disposables.push(
      regions.onDidChange((list) => this.render(countOwnership(list))),
      server.onDidChangeRunning(() => this.render(countOwnership(regions.regions))),
    );
    this.item.show();
  }

  private render(counts: OwnershipCounts): void {
    if (!this.server.running) {
      this.item.text = "$(warning) ownit";
      this.item.tooltip = `ownit: ${this.server.unavailableReason ?? "the server is not running"}`;
      this.item.backgroundColor = undefined;
      return;
    }
    const text = statusBarText(counts);
    this.item.text = text === "" ? "$(pass) ownit" : `$(hubot) ${text}`;
    this.item.tooltip =
      text === "" ? "ownit: every AI-written region in this workspace is owned" : `ownit: ${countsInWords(counts)} — click to jump to one`;
    this.item.backgroundColor = text === "" ? undefined : new vscode.ThemeColor("statusBarItem.warningBackground");
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
