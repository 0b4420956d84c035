/**
 * Gutter and overview-ruler marks: unowned (orange), stale (purple) and owned (green)
 * AI-written lines. Unowned and stale ranges come from ownit's diagnostics; owned regions
 * have no diagnostic, so their ranges come from `ownit.status {uri, includeOwned: true}`.
 * Work happens only for visible editors, debounced, when diagnostics or visibility change.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { regionRange, type StatusRegion } from "./regions";
import type { ServerController } from "./server";

function code(diagnostic: vscode.Diagnostic): string {
  const value = diagnostic.code;
  return typeof value === "object" && value !== null ? String(value.value) : String(value ?? "");
}

export class Decorations implements vscode.Disposable {
  private readonly unowned: vscode.TextEditorDecorationType;
  private readonly stale: vscode.TextEditorDecorationType;
  private readonly owned: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** What ownit's diagnostics were per document at the last update (to see them change). */
  private readonly seen = new Map<string, string>();

  constructor(
    extensionPath: string,
    private readonly server: ServerController,
  ) {
    const icon = (name: string): vscode.Uri => vscode.Uri.file(path.join(extensionPath, "resources", `gutter-${name}.svg`));
    this.unowned = vscode.window.createTextEditorDecorationType({
      gutterIconPath: icon("unowned"),
      gutterIconSize: "contain",
      overviewRulerColor: "#e8912dcc",
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      isWholeLine: true,
      backgroundColor: "#e8912d12",
    });
    this.stale = vscode.window.createTextEditorDecorationType({
      gutterIconPath: icon("stale"),
      gutterIconSize: "contain",
      overviewRulerColor: "#b180d7cc",
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      isWholeLine: true,
      backgroundColor: "#b180d712",
    });
    this.owned = vscode.window.createTextEditorDecorationType({
      gutterIconPath: icon("owned"),
      gutterIconSize: "contain",
      overviewRulerColor: "#3fa26699",
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    });
    this.disposables.push(
      this.unowned,
      this.stale,
      this.owned,
      vscode.languages.onDidChangeDiagnostics((event) => {
        const visible = new Set(vscode.window.visibleTextEditors.map((editor) => editor.document.uri.toString()));
        if (event.uris.some((uri) => visible.has(uri.toString()))) {
          this.schedule();
        }
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      server.onDidChangeRunning(() => this.schedule()),
    );
  }

  schedule(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, 200);
  }

  private async update(): Promise<void> {
    const enabled = vscode.workspace.getConfiguration("ownit").get<boolean>("decorations.enabled", true);
    for (const editor of vscode.window.visibleTextEditors) {
      const unowned: vscode.Range[] = [];
      const stale: vscode.Range[] = [];
      const owned: vscode.Range[] = [];
      if (enabled) {
        for (const diagnostic of vscode.languages.getDiagnostics(editor.document.uri)) {
          if (diagnostic.source !== "ownit") {
            continue;
          }
          const kind = code(diagnostic);
          if (kind === "stale-claim") {
            stale.push(diagnostic.range);
          } else if (kind === "unowned-ai" || kind === "history-unowned") {
            unowned.push(diagnostic.range);
          }
        }
        try {
          // Owned regions have no diagnostic: the server lists them, with their ranges.
          const answer = await this.server.execute<{ regions?: StatusRegion[] }>("ownit.status", {
            uri: editor.document.uri.toString(),
            includeOwned: true,
          });
          for (const region of answer?.regions ?? []) {
            if (region.ownership === "owned") {
              owned.push(regionRange(region));
            }
          }
        } catch {
          // the server is restarting: owned marks come back with the next update
        }
      }
      // Owning, dismissing or a change from another process moves diagnostics without an
      // edit: ask for fresh code lenses then (only then: not on every keystroke).
      const key = editor.document.uri.toString();
      const signature = JSON.stringify([unowned, stale].map((list) => list.map((range) => [range.start.line, range.end.line])));
      if (this.seen.has(key) && this.seen.get(key) !== signature) {
        this.server.refreshCodeLenses(editor.document);
      }
      this.seen.set(key, signature);
      editor.setDecorations(this.unowned, unowned);
      editor.setDecorations(this.stale, stale);
      editor.setDecorations(this.owned, owned);
    }
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
