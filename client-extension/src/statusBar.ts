/** The status bar item: the workspace's count of unowned AI regions; click to jump to one. */
import * as vscode from "vscode";
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
    this.render(regions.regions.length, 0);
    this.disposables.push(
      regions.onDidChange((list) => {
        const stale = list.filter((region) => region.ownership === "stale").length;
        this.render(list.length - stale, stale);
      }),
      server.onDidChangeRunning(() => this.render(regions.regions.length, 0)),
    );
    this.item.show();
  }

  private render(unowned: number, stale: number): void {
    if (!this.server.running) {
      this.item.text = "$(warning) ownit";
      this.item.tooltip = `ownit: ${this.server.unavailableReason ?? "the server is not running"}`;
      this.item.backgroundColor = undefined;
      return;
    }
    const total = unowned + stale;
    this.item.text = total === 0 ? "$(pass) ownit" : `$(hubot) ${total} unowned`;
    this.item.tooltip =
      total === 0
        ? "ownit: every AI-written region in this workspace is owned"
        : `ownit: ${unowned} unowned and ${stale} changed-since-owned AI-written region${total === 1 ? "" : "s"} — click to jump to one`;
    this.item.backgroundColor = total === 0 ? undefined : new vscode.ThemeColor("statusBarItem.warningBackground");
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
