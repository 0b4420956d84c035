/**
 * The language client: starts the ownit server (python.ts says how), restarts it, and sends
 * ownit's workspace/executeCommand requests with errors that carry the server's message.
 */
import * as vscode from "vscode";
import {
  CodeLensRequest,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type Middleware,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { isNoServer, onPythonInterpreterChanged, resolveServerCommand } from "./python";

/** The server refused a request; `message` is the server's own sentence. */
export class ServerRefused extends Error {}

/** There is no server to ask (not started, or no usable Python). */
export class ServerUnavailable extends Error {}

export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<boolean>();
  private readonly disposables: vscode.Disposable[] = [];
  private problem: string | undefined;

  /** Fires true when a server is running (after a start or restart), false when it stops. */
  readonly onDidChangeRunning = this.stateEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    private readonly middleware: Middleware,
  ) {
    this.disposables.push(
      this.stateEmitter,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (
          event.affectsConfiguration("ownit.interpreter") ||
          event.affectsConfiguration("ownit.serverPath") ||
          event.affectsConfiguration("ownit.importStrategy")
        ) {
          void this.restart();
        }
      }),
    );
    void onPythonInterpreterChanged(() => {
      if (vscode.workspace.getConfiguration("ownit").get<string[]>("interpreter", []).length === 0) {
        void this.restart();
      }
    }).then((disposable) => disposable && this.disposables.push(disposable));
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Why there is no server, when there is none. */
  get unavailableReason(): string | undefined {
    return this.problem;
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
    const resolved = await resolveServerCommand(this.context.extensionPath, resource, this.log);
    if (isNoServer(resolved)) {
      this.problem = `${resolved.problem} ${resolved.fix}`;
      this.log.error(this.problem);
      this.stateEmitter.fire(false);
      void vscode.window
        .showErrorMessage(`${resolved.problem} ${resolved.fix}`, "Select Interpreter", "Open Settings", "Show Output")
        .then((choice) => {
          if (choice === "Select Interpreter") {
            void vscode.commands.executeCommand("python.setInterpreter");
          } else if (choice === "Open Settings") {
            void vscode.commands.executeCommand("workbench.action.openSettings", "ownit.interpreter");
          } else if (choice === "Show Output") {
            this.log.show();
          }
        });
      return;
    }
    this.problem = undefined;
    const serverOptions: ServerOptions = {
      command: resolved.command,
      args: resolved.args,
      transport: TransportKind.stdio,
      options: { env: resolved.env, cwd: resource?.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      // Every file on disk and unsaved buffers: AI code is not language-specific.
      documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
      outputChannel: this.log,
      traceOutputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      middleware: this.middleware,
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{.ownit.yaml,CODEOWNERS,.gitattributes}"),
      },
    };
    const client = new LanguageClient("ownit", "ownit", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((event) => {
      this.stateEmitter.fire(event.newState === State.Running);
    });
    try {
      await client.start();
      this.log.info(`ownit server running: ${resolved.description}`);
    } catch (error) {
      this.problem = `the ownit server did not start: ${(error as Error).message}`;
      this.log.error(this.problem);
      void vscode.window.showErrorMessage(`ownit: ${this.problem}`, "Show Output").then((choice) => {
        if (choice) {
          this.log.show();
        }
      });
    }
  }

  async restart(): Promise<void> {
    await this.starting;
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.log.warn(`stopping the server: ${(error as Error).message}`);
      }
    }
    await this.start();
  }

  /**
   * workspace/executeCommand straight to the server (not through the client's command
   * registry, so no generic "request failed" notification): resolves with the result,
   * rejects with ServerRefused carrying the server's message.
   */
  async execute<T>(command: string, argument: object): Promise<T> {
    await this.starting;
    const client = this.client;
    if (!client || client.state !== State.Running) {
      throw new ServerUnavailable(this.problem ?? "the ownit server is not running");
    }
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, {
        command,
        arguments: [argument],
      })) as T;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ServerRefused(message);
    }
  }

  /** A raw LSP request (used for code lenses of visible documents). */
  async request<T>(method: string, params: object): Promise<T | undefined> {
    const client = this.client;
    if (!client || client.state !== State.Running) {
      return undefined;
    }
    return (await client.sendRequest(method, params));
  }

  /**
   * Makes VS Code ask for the document's code lenses again: a claim or a dismissal changes
   * them without any edit, and VS Code otherwise re-asks only when the text changes.
   */
  refreshCodeLenses(document: vscode.TextDocument): void {
    try {
      this.client?.getFeature(CodeLensRequest.method).getProvider(document)?.onDidChangeCodeLensEmitter.fire();
    } catch {
      // no code lens provider for this document
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
    void this.client?.stop(2000).catch(() => undefined);
  }
}
