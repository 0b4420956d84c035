/** The workspace's unowned and stale regions (ownit.status), refreshed when diagnostics change. */
import * as vscode from "vscode";
import type { ServerController } from "./server";

export interface StatusRegion {
  readonly uri: string;
  readonly path: string;
  readonly regionId: string;
  readonly lines: readonly [number, number];
  readonly range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  readonly tool: string;
  readonly model: string | null;
  readonly source: string;
  /** exact, corroborated or inferred (servers before 0.2 do not send it). */
  readonly evidence?: string;
  readonly ownership: string;
  readonly owner?: string;
  readonly exists?: boolean;
}

export class RegionIndex implements vscode.Disposable {
  private regionsValue: readonly StatusRegion[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private readonly emitter = new vscode.EventEmitter<readonly StatusRegion[]>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  readonly onDidChange = this.emitter.event;

  constructor(private readonly server: ServerController) {
    this.disposables.push(
      vscode.languages.onDidChangeDiagnostics((event) => this.onDiagnostics(event)),
      server.onDidChangeRunning((running) => (running ? this.schedule() : this.set([]))),
    );
  }

  /** ownit diagnostics per document at the last look: status is asked again only when they change in number. */
  private readonly counts = new Map<string, number>();

  private onDiagnostics(event: vscode.DiagnosticChangeEvent): void {
    let changed = false;
    for (const uri of event.uris) {
      const key = uri.toString();
      const count = vscode.languages.getDiagnostics(uri).filter((d) => d.source === "ownit").length;
      if ((this.counts.get(key) ?? 0) !== count) {
        changed = true;
      }
      if (count === 0) {
        this.counts.delete(key);
      } else {
        this.counts.set(key, count);
      }
    }
    if (changed) {
      this.schedule();
    }
  }

  get regions(): readonly StatusRegion[] {
    return this.regionsValue;
  }

  private set(regions: readonly StatusRegion[]): void {
    this.regionsValue = regions;
    this.emitter.fire(regions);
  }

  /** Refresh soon (debounced: one status request per burst of diagnostics). */
  schedule(delayMs = 300): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  async refresh(): Promise<readonly StatusRegion[]> {
    if (this.inFlight) {
      this.again = true;
      await this.inFlight;
      return this.regionsValue;
    }
    this.inFlight = (async () => {
      do {
        this.again = false;
        if (!this.server.running) {
          this.set([]);
          return;
        }
        try {
          const answer = await this.server.execute<{ regions?: StatusRegion[] }>("ownit.status", {});
          this.set(Array.isArray(answer?.regions) ? answer.regions : []);
        } catch (error) {
          this.server.log.warn(`ownit.status: ${(error as Error).message}`);
        }
      } while (this.again);
    })().finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
    return this.regionsValue;
  }

  /** Regions of `uri` whose lines hold the 0-based `line`. */
  at(uri: vscode.Uri, line: number): StatusRegion[] {
    const key = uri.toString();
    return this.regionsValue.filter(
      (region) => region.uri === key && region.lines[0] - 1 <= line && line <= region.lines[1] - 1,
    );
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

/** Where a region starts, as a VS Code range (its client range when the server sent one). */
export function regionRange(region: StatusRegion): vscode.Range {
  if (region.range) {
    return new vscode.Range(
      region.range.start.line,
      region.range.start.character,
      region.range.end.line,
      region.range.end.character,
    );
  }
  return new vscode.Range(region.lines[0] - 1, 0, region.lines[1] - 1, 0);
}
