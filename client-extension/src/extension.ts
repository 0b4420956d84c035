/**
 * ownit for VS Code: starts the ownit language server, tells it which edits AI tools made,
 * and gives owning them a UI. The server stays the single source of truth.
 * Activation (onStartupFinished) returns at once; the server starts in the background.
 */
import * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient/node";
import { Capture, type ClipboardReader, setClipboardReader } from "./capture";
import { Decorations } from "./decorations";
import { CLAIM, DISMISS, Ownership } from "./ownership";
import { RegionIndex } from "./regions";
import { RulesCache } from "./rules";
import { ServerController } from "./server";
import { StatusBar } from "./statusBar";

/** What activate() returns: used by the end-to-end test, harmless for everyone else. */
export interface OwnitApi {
  readonly ready: Promise<void>;
  readonly running: () => boolean;
  readonly inlineTool: () => string;
  /** For tests in browsers that deny clipboard access: where the paste check reads it. */
  readonly setClipboardReader: (reader: ClipboardReader | undefined) => void;
}

export function activate(context: vscode.ExtensionContext): OwnitApi {
  const log = vscode.window.createOutputChannel("ownit", { log: true });
  context.subscriptions.push(log);

  const handlers: { ownership?: Ownership } = {};
  const middleware: Middleware = {
    // Code actions and code lenses send ownit.claim / ownit.dismiss without a rationale
    // (reason): ask the user for it here, validated live, instead of sending a request the
    // server can only refuse.
    executeCommand: (command, args, next) => {
      if ((command === CLAIM || command === DISMISS) && handlers.ownership) {
        return handlers.ownership.handle(command, args);
      }
      return next(command, args) as unknown;
    },
  };

  const server = new ServerController(context, log, middleware);
  const rules = new RulesCache(server);
  const regions = new RegionIndex(server);
  const own = new Ownership(server, rules, regions);
  handlers.ownership = own;
  const capture = new Capture(server, rules, log);
  context.subscriptions.push(
    server,
    rules,
    regions,
    capture,
    new Decorations(context.extensionPath, server),
    new StatusBar(server, regions),
    vscode.commands.registerCommand("ownit.restartServer", () => server.restart()),
    vscode.commands.registerCommand("ownit.showOutput", () => log.show()),
    vscode.commands.registerCommand("ownit.markSelection", () => own.markSelection()),
    vscode.commands.registerCommand("ownit.own", (args?: unknown) => own.own(args)),
    vscode.commands.registerCommand("ownit.notAi", (args?: unknown) => own.notAi(args)),
    vscode.commands.registerCommand("ownit.showUnowned", () => own.showUnowned()),
  );

  const ready = server.start().then(() => {
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      void rules.get(editor.document.uri);
    }
    regions.schedule(0);
  });
  return { ready, running: () => server.running, inlineTool: () => capture.inlineTool(), setClipboardReader };
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the client.
}
