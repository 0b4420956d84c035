/**
 * Capture of AI edits as they happen:
 * - inline completions: the commands Tab and the partial accepts run are wrapped; the text
 *   changes made while the original command runs are the accepted completion, and their
 *   exact range goes to the server with ownit.markAi (source inline-completion);
 * - edits VS Code itself labels as chat/agent edits (only where it exposes that label);
 * - large single insertions that are neither a paste nor undo/redo, where policy counts the
 *   heuristic source.
 */
import * as vscode from "vscode";
import { classifyChange, detailedSource, guessInlineTool, looksLikePaste } from "./logic/heuristics";
import { insertedRanges, trimToWritten, type Change, type Span } from "./logic/insertion";
import type { RulesCache } from "./rules";
import type { ServerController } from "./server";

export const INLINE_ACCEPT_COMMANDS = [
  "editor.action.inlineSuggest.commit",
  "editor.action.inlineSuggest.acceptNextWord",
  "editor.action.inlineSuggest.acceptNextLine",
] as const;

/** How long after the accept command returns its text change may still arrive. */
const SETTLE_MS = 50;

function toChange(change: vscode.TextDocumentContentChangeEvent): Change {
  return {
    range: {
      start: { line: change.range.start.line, character: change.range.start.character },
      end: { line: change.range.end.line, character: change.range.end.character },
    },
    text: change.text,
  };
}

function toJson(span: Span): object {
  return { start: span.start, end: span.end };
}

function isTracked(document: vscode.TextDocument): boolean {
  return document.uri.scheme === "file" || document.uri.scheme === "untitled";
}

/** Reads the clipboard; replaced only by the end-to-end test (headless browsers deny it). */
export type ClipboardReader = () => Thenable<string>;
let clipboardReader: ClipboardReader = () => vscode.env.clipboard.readText();
export function setClipboardReader(reader: ClipboardReader | undefined): void {
  clipboardReader = reader ?? (() => vscode.env.clipboard.readText());
}

/** The clipboard's text, or undefined when it cannot be read within a second. */
async function readClipboard(): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), 1000);
  });
  try {
    return await Promise.race([Promise.resolve(clipboardReader()), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

export class Capture implements vscode.Disposable {
  private readonly wrapped = new Map<string, vscode.Disposable>();
  private readonly disposables: vscode.Disposable[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private accepting = 0;

  constructor(
    private readonly server: ServerController,
    private readonly rules: RulesCache,
    private readonly log: vscode.LogOutputChannel,
  ) {
    if (vscode.workspace.getConfiguration("ownit").get<boolean>("capture.inlineCompletions", true)) {
      for (const id of INLINE_ACCEPT_COMMANDS) {
        this.wrap(id);
      }
    }
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => this.onChange(event)),
      // Fetch the policy of a file once, when it is shown, so the per-change test stays sync.
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isTracked(editor.document)) {
          void this.rules.get(editor.document.uri);
        }
      }),
    );
  }

  /** The tool to record for an inline completion accepted now. */
  inlineTool(): string {
    const active = vscode.extensions.all.filter((extension) => extension.isActive).map((extension) => extension.id);
    const configured = vscode.workspace.getConfiguration("ownit").get<string>("capture.inlineTool", "");
    return guessInlineTool(active, configured);
  }

  private wrap(id: string): void {
    try {
      this.wrapped.set(id, vscode.commands.registerCommand(id, (...args: unknown[]) => this.accept(id, args)));
    } catch (error) {
      this.log.warn(`cannot wrap ${id}: ${(error as Error).message}; accepted completions are not captured`);
    }
  }

  /** Runs the original accept command, one at a time, and reports what it inserted. */
  private accept(id: string, args: unknown[]): Promise<unknown> {
    const run = this.queue.then(() => this.acceptNow(id, args));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async acceptNow(id: string, args: unknown[]): Promise<unknown> {
    const editor = vscode.window.activeTextEditor;
    const document = editor?.document;
    const changes: Change[] = [];
    const listener = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === document) {
        for (const change of event.contentChanges) {
          changes.push(toChange(change));
        }
      }
    });
    this.accepting += 1;
    let result: unknown;
    try {
      // While our registration is gone the command id reaches VS Code's own command; the
      // extension host orders the unregister before the call and the call before the
      // re-register, so no other accept is lost in between (one may run unwrapped).
      this.wrapped.get(id)?.dispose();
      this.wrapped.delete(id);
      try {
        result = await vscode.commands.executeCommand(id, ...args);
      } finally {
        this.wrap(id);
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    } finally {
      listener.dispose();
      this.accepting -= 1;
    }
    if (document && isTracked(document) && changes.length > 0) {
      void this.report(document, changes, "inline-completion", this.inlineTool());
    }
    return result;
  }

  private async report(document: vscode.TextDocument, changes: readonly Change[], source: string, tool: string): Promise<void> {
    for (const span of insertedRanges(changes)) {
      const text = document.getText(
        new vscode.Range(span.start.line, span.start.character, span.end.line, span.end.character),
      );
      const written = trimToWritten(span, text);
      if (!written) {
        continue;
      }
      await this.mark(document, written, source, tool);
    }
  }

  private async mark(document: vscode.TextDocument, span: Span, source: string, tool: string): Promise<void> {
    try {
      const answer = await this.server.execute<{ regionId?: string }>("ownit.markAi", {
        uri: document.uri.toString(),
        range: toJson(span),
        tool,
        source,
      });
      this.log.info(
        `marked ${document.uri.fsPath}:${span.start.line + 1}-${span.end.line + 1} as ${source} (${tool}): ${answer?.regionId ?? "?"}`,
      );
    } catch (error) {
      this.log.warn(`ownit.markAi (${source}) failed: ${(error as Error).message}`);
    }
  }

  /** Runs on every text change: only constant-time checks unless a change is large. */
  private onChange(event: vscode.TextDocumentChangeEvent): void {
    if (event.contentChanges.length === 0 || !isTracked(event.document)) {
      return;
    }
    const labelled = detailedSource(event);
    if (labelled === "chat-edit" || (labelled === "inline-completion" && this.accepting === 0)) {
      void this.report(event.document, event.contentChanges.map(toChange), labelled, labelled === "chat-edit" ? "unknown" : this.inlineTool());
      return;
    }
    if (!vscode.workspace.getConfiguration("ownit").get<boolean>("capture.largeInsertions", true)) {
      return;
    }
    if (event.document !== vscode.window.activeTextEditor?.document) {
      return; // edits to other files come from refactorings, reloads or tools, not typing
    }
    const rules = this.rules.peek(event.document.uri);
    if (rules === null) {
      void this.rules.get(event.document.uri);
      return;
    }
    const verdict = classifyChange({
      changes: event.contentChanges.map(toChange),
      reason: event.reason,
      minLines: rules.heuristicMinLines,
      capturing: this.accepting > 0,
    });
    if (verdict.kind !== "heuristic") {
      return;
    }
    const document = event.document;
    const version = document.version;
    const inserted = event.contentChanges[0]!.text;
    void readClipboard().then((clipboard) => {
      if (clipboard === undefined) {
        // Without the clipboard a paste cannot be told apart: report nothing rather than
        // call a paste AI-written.
        this.log.info(`large insertion in ${document.uri.fsPath}: clipboard unreadable, not reported`);
        return;
      }
      if (looksLikePaste(inserted, clipboard)) {
        this.log.info(`large insertion in ${document.uri.fsPath} is a paste: not reported`);
        return;
      }
      if (document.version !== version) {
        return; // the user typed on: the range is no longer exact
      }
      void this.mark(document, verdict.span, "heuristic", "unknown");
    });
  }

  dispose(): void {
    for (const disposable of [...this.wrapped.values(), ...this.disposables]) {
      disposable.dispose();
    }
    this.wrapped.clear();
  }
}
