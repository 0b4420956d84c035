/**
 * Which edits count as AI-written when nothing told us so (source `heuristic`), and which
 * tool wrote an accepted inline completion. Pure, unit-tested.
 */
import { countLineBreaks, endOfText, type Change, type Span, trimToWritten, spanLines } from "./insertion";

/** VS Code's TextDocumentChangeReason values (Undo = 1, Redo = 2). */
export const REASON_UNDO = 1;
export const REASON_REDO = 2;

export type Classification =
  | { readonly kind: "heuristic"; readonly span: Span; readonly lines: number }
  | { readonly kind: "ignore"; readonly why: string };

/** What one text change looks like, before the (asynchronous) clipboard comparison. */
export function classifyChange(input: {
  readonly changes: readonly Change[];
  readonly reason: number | undefined;
  readonly minLines: number | null;
  readonly capturing: boolean;
}): Classification {
  const { changes, reason, minLines } = input;
  if (minLines === null) {
    return { kind: "ignore", why: "policy does not count the heuristic source" };
  }
  if (input.capturing) {
    return { kind: "ignore", why: "inline completion being accepted" };
  }
  if (reason === REASON_UNDO || reason === REASON_REDO) {
    return { kind: "ignore", why: "undo/redo" };
  }
  if (changes.length !== 1) {
    return { kind: "ignore", why: "not a single insertion" };
  }
  const change = changes[0]!;
  // Cheapest test first: a change with fewer characters than lines needed cannot qualify.
  if (change.text.length < minLines || countLineBreaks(change.text, minLines) < minLines - 1) {
    return { kind: "ignore", why: "small" };
  }
  // A replacement of many lines is a reload, a format or a revert, not someone's insertion.
  if (change.range.end.line - change.range.start.line > 1) {
    return { kind: "ignore", why: "replaces existing lines" };
  }
  const span = trimToWritten(
    { start: change.range.start, end: endOfText(change.range.start, change.text) },
    change.text,
  );
  if (span === null) {
    return { kind: "ignore", why: "whitespace only" };
  }
  const { first, last } = spanLines(span);
  const lines = last - first + 1;
  if (lines < minLines) {
    return { kind: "ignore", why: "small" };
  }
  return { kind: "heuristic", span, lines };
}

function contentLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * Whether `inserted` is the clipboard's text, allowing for what paste does to it
 * (re-indentation, line endings, trailing whitespace, blank lines).
 */
export function looksLikePaste(inserted: string, clipboard: string | undefined): boolean {
  if (!clipboard) {
    return false;
  }
  const a = contentLines(inserted);
  const b = contentLines(clipboard);
  if (a.length === 0 || b.length === 0) {
    return false;
  }
  // Equal, or the clipboard pasted several times / once into a larger multi-cursor paste.
  return a.join("\n") === b.join("\n") || a.join("\n").includes(b.join("\n"));
}

/** Extensions that provide inline completions, and the tool name the server records. */
export const INLINE_TOOLS: ReadonlyMap<string, string> = new Map([
  ["github.copilot", "copilot"],
  ["codeium.codeium", "codeium"],
  ["codeium.windsurf", "windsurf"],
  ["tabnine.tabnine-vscode", "tabnine"],
  ["amazonwebservices.amazon-q-vscode", "amazon-q"],
  ["continue.continue", "continue"],
  ["supermaven.supermaven", "supermaven"],
  ["sourcegraph.cody-ai", "cody"],
  ["blackboxapp.blackbox", "blackbox"],
]);

/**
 * The tool to record for an accepted inline completion. VS Code does not say which provider
 * produced the suggestion a user accepted, so: the `ownit.capture.inlineTool` setting when set;
 * else the one known AI extension that is active; else "unknown" (none, or several).
 */
export function guessInlineTool(activeExtensionIds: readonly string[], configured: string): string {
  const setting = configured.trim();
  if (setting && !/\s/.test(setting)) {
    return setting;
  }
  const tools = new Set<string>();
  for (const id of activeExtensionIds) {
    const tool = INLINE_TOOLS.get(id.toLowerCase());
    if (tool) {
      tools.add(tool);
    }
  }
  return tools.size === 1 ? [...tools][0]! : "unknown";
}

/**
 * The source of a change that VS Code labelled itself. Stable VS Code 1.100 gives extensions
 * only undo/redo; builds that expose the proposed `textDocumentChangeReason` API add
 * `detailedReason.source` ("chat-edit", "inline-completion", …). Only that label is trusted.
 */
export function detailedSource(event: unknown): "chat-edit" | "inline-completion" | null {
  if (typeof event !== "object" || event === null) {
    return null;
  }
  const detailed = (event as { detailedReason?: unknown }).detailedReason;
  if (typeof detailed !== "object" || detailed === null) {
    return null;
  }
  const source = (detailed as { source?: unknown }).source;
  if (typeof source !== "string") {
    return null;
  }
  const lowered = source.toLowerCase();
  if (lowered.includes("chat") || lowered.includes("agent")) {
    return "chat-edit";
  }
  if (lowered.includes("inline")) {
    return "inline-completion";
  }
  return null;
}
