/**
 * Owning and dismissing: the input box that shows, as the user types, why the server would
 * refuse a rationale, then sends it; the server's refusal (if it still refuses) is shown in
 * the same box. Also the palette commands Own…, Not AI-written…, Mark selection, Show unowned.
 */
import * as vscode from "vscode";
import { validateRationale, validateReason, type Verdict } from "./logic/rationale";
import { countOwnership, countsInWords } from "./logic/statusCounts";
import { regionRange, type RegionIndex, type StatusRegion } from "./regions";
import type { RulesCache } from "./rules";
import { ServerRefused, type ServerController } from "./server";

export const CLAIM = "ownit.claim";
export const DISMISS = "ownit.dismiss";
export const MARK_AI = "ownit.markAi";

export interface RegionArgs {
  readonly uri: string;
  readonly regionId: string;
  readonly rationale?: unknown;
  readonly reason?: unknown;
}

function isRegionArgs(value: unknown): value is RegionArgs {
  const v = value as RegionArgs | undefined;
  return typeof v === "object" && v !== null && typeof v.uri === "string" && typeof v.regionId === "string";
}

interface PromptOptions {
  readonly title: string;
  readonly prompt: string;
  readonly placeholder: string;
  readonly validate: (value: string) => Verdict;
  readonly submit: (value: string) => Promise<unknown>;
}

/**
 * An input box that validates on each change (a few hundred characters at most: cheap) and
 * stays open with the server's message when the server refuses. Resolves with the server's
 * answer, or undefined when the user cancels.
 */
export function promptAndSubmit(options: PromptOptions): Promise<unknown> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.placeholder = options.placeholder;
    box.ignoreFocusOut = true;
    let settled = false;
    let touched = false;
    const finish = (value: unknown): void => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    const show = (value: string): void => {
      const verdict = options.validate(value);
      box.validationMessage =
        verdict.ok || (!touched && value.length === 0)
          ? undefined
          : { message: verdict.message, severity: vscode.InputBoxValidationSeverity.Error };
    };
    box.onDidChangeValue((value) => {
      touched = true;
      show(value);
    });
    box.onDidAccept(async () => {
      touched = true;
      const verdict = options.validate(box.value);
      if (!verdict.ok) {
        show(box.value);
        return;
      }
      box.busy = true;
      box.enabled = false;
      try {
        const answer = await options.submit(box.value);
        finish(answer);
        box.hide();
      } catch (error) {
        box.validationMessage = {
          message: `ownit refused: ${(error as Error).message}`,
          severity: vscode.InputBoxValidationSeverity.Error,
        };
      } finally {
        box.busy = false;
        box.enabled = true;
      }
    });
    box.onDidHide(() => {
      finish(undefined);
      box.dispose();
    });
    box.show();
  });
}

export class Ownership {
  constructor(
    private readonly server: ServerController,
    private readonly rules: RulesCache,
    private readonly regions: RegionIndex,
  ) {}

  /**
   * ownit.claim / ownit.dismiss as the code actions, code lenses and other callers run them:
   * with a rationale (reason), sent as is and a refusal rejects (and is shown); without one,
   * the user is asked.
   */
  async handle(command: string, args: unknown[]): Promise<unknown> {
    const target = args[0];
    if (!isRegionArgs(target)) {
      return this.server.execute(command, (target ?? {}));
    }
    if (command === CLAIM) {
      return typeof target.rationale === "string" ? this.send(CLAIM, target) : this.askRationale(target);
    }
    return typeof target.reason === "string" ? this.send(DISMISS, target) : this.askReason(target);
  }

  private async send(command: string, payload: object): Promise<unknown> {
    try {
      const answer = await this.server.execute(command, payload);
      this.regions.schedule(0);
      return answer;
    } catch (error) {
      const verb = command === CLAIM ? "own" : command === DISMISS ? "dismiss" : "mark";
      void vscode.window.showErrorMessage(`ownit: could not ${verb} this code: ${(error as Error).message}`);
      throw error;
    }
  }

  async askRationale(target: RegionArgs): Promise<unknown> {
    const rules = await this.rules.get(vscode.Uri.parse(target.uri));
    let purpose: string | undefined;
    if (rules.purposes.length > 0) {
      // The policy lists what AI code may be for: the claim carries the tag picked.
      const none = "No purpose tag";
      const picked = await vscode.window.showQuickPick([...rules.purposes, none], {
        title: "Own this AI-written code: what is it for?",
        placeHolder: "the policy's purposes (the tag travels with the claim into the commit)",
      });
      if (picked === undefined) {
        return undefined;
      }
      purpose = picked === none ? undefined : picked;
    }
    const answer = await promptAndSubmit({
      title: "Own this AI-written code",
      prompt: `Why is this code correct and safe? (${rules.minChars}–${rules.maxChars} characters, in your words)`,
      placeholder: "e.g. Checked the bounds against the spec; the retry stops after 3 tries",
      validate: (value) => validateRationale(value, rules),
      submit: async (value) => {
        const payload = { uri: target.uri, regionId: target.regionId, rationale: value, ...(purpose ? { purpose } : {}) };
        const result = await this.server.execute(CLAIM, payload);
        this.regions.schedule(0);
        return result;
      },
    });
    return answer;
  }

  async askReason(target: RegionArgs): Promise<unknown> {
    return promptAndSubmit({
      title: "Not AI-written",
      prompt: "Why is this code not AI-written? (the reason is recorded)",
      placeholder: "e.g. I typed this myself; the paste came from our own module",
      validate: validateReason,
      submit: async (value) => {
        const result = await this.server.execute(DISMISS, { uri: target.uri, regionId: target.regionId, reason: value });
        this.regions.schedule(0);
        return result;
      },
    });
  }

  /** The region a palette command acts on: the arguments, the cursor's, or one picked. */
  private async pickRegion(args: unknown, verb: string): Promise<RegionArgs | undefined> {
    if (isRegionArgs(args)) {
      return args;
    }
    const regions = await this.regions.refresh();
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      const here = this.regions.at(editor.document.uri, editor.selection.active.line);
      if (here.length === 1) {
        return here[0];
      }
    }
    if (regions.length === 0) {
      void vscode.window.showInformationMessage("ownit: no unowned AI-written code in this workspace.");
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(regions.map(regionItem), {
      title: `${verb}: which AI-written region?`,
      matchOnDescription: true,
    });
    return picked?.region;
  }

  async own(args?: unknown): Promise<unknown> {
    const target = await this.pickRegion(args, "Own");
    if (!target) {
      return undefined;
    }
    return typeof target.rationale === "string" ? this.send(CLAIM, target) : this.askRationale(target);
  }

  async notAi(args?: unknown): Promise<unknown> {
    const target = await this.pickRegion(args, "Not AI-written");
    if (!target) {
      return undefined;
    }
    return typeof target.reason === "string" ? this.send(DISMISS, target) : this.askReason(target);
  }

  async markSelection(): Promise<unknown> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showInformationMessage("ownit: select the AI-written code first.");
      return undefined;
    }
    const tools = ["copilot", "claude-code", "cursor", "aider", "codeium", "unknown"];
    const tool = await vscode.window.showQuickPick(tools, {
      title: "Mark selection as AI-written: which tool wrote it?",
    });
    if (!tool) {
      return undefined;
    }
    const { start, end } = editor.selection;
    return this.send(MARK_AI, {
      uri: editor.document.uri.toString(),
      range: { start: { line: start.line, character: start.character }, end: { line: end.line, character: end.character } },
      tool,
      source: "manual",
    });
  }

  async showUnowned(): Promise<void> {
    const regions = await this.regions.refresh();
    if (regions.length === 0) {
      void vscode.window.showInformationMessage(
        this.server.running ? "ownit: no unowned AI-written code in this workspace." : `ownit: ${this.server.unavailableReason ?? "the server is not running"}`,
      );
      return;
    }
    const picked = await vscode.window.showQuickPick(regions.map(regionItem), {
      title: countsInWords(countOwnership(regions)),
      matchOnDescription: true,
    });
    if (picked) {
      await reveal(picked.region);
    }
  }
}

interface RegionItem extends vscode.QuickPickItem {
  readonly region: StatusRegion;
}

function regionItem(region: StatusRegion): RegionItem {
  const tool = region.model ? `${region.tool}:${region.model}` : region.tool;
  return {
    label: `${region.path}:${region.lines[0]}-${region.lines[1]}`,
    description: `${tool} · ${region.source}${region.evidence ? ` (${region.evidence} evidence)` : ""} · ${region.ownership === "stale" ? "changed since owned" : "unowned"}`,
    region,
  };
}

export async function reveal(region: StatusRegion): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(region.uri));
  const editor = await vscode.window.showTextDocument(document);
  const range = regionRange(region);
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export { ServerRefused };
