import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  REASON_REDO,
  REASON_UNDO,
  classifyChange,
  detailedSource,
  guessInlineTool,
  looksLikePaste,
} from "../../src/logic/heuristics";
import type { Change } from "../../src/logic/insertion";

const at = (line: number, character: number) => ({ line, character });
const block = (n: number) => Array.from({ length: n }, (_, i) => `    line_${i} = compute(${i})`).join("\n") + "\n";
const insertion = (text: string, line = 10): Change => ({ range: { start: at(line, 0), end: at(line, 0) }, text });

describe("classifyChange", () => {
  const base = { reason: undefined, minLines: 8, capturing: false };
  it("a large single insertion counts, with its exact lines", () => {
    const verdict = classifyChange({ ...base, changes: [insertion(block(8))] });
    assert.equal(verdict.kind, "heuristic");
    if (verdict.kind === "heuristic") {
      assert.deepEqual(verdict.span, { start: at(10, 0), end: at(18, 0) });
      assert.equal(verdict.lines, 8);
    }
  });
  it("fewer lines than the policy's minimum do not count", () => {
    assert.equal(classifyChange({ ...base, changes: [insertion(block(7))] }).kind, "ignore");
  });
  it("nothing counts when the policy leaves the heuristic out", () => {
    assert.equal(classifyChange({ ...base, minLines: null, changes: [insertion(block(50))] }).kind, "ignore");
  });
  it("undo and redo never count", () => {
    for (const reason of [REASON_UNDO, REASON_REDO]) {
      assert.equal(classifyChange({ ...base, reason, changes: [insertion(block(20))] }).kind, "ignore");
    }
  });
  it("an inline completion being accepted is not also a heuristic region", () => {
    assert.equal(classifyChange({ ...base, capturing: true, changes: [insertion(block(20))] }).kind, "ignore");
  });
  it("replacing many lines (reload from disk, format, revert) does not count", () => {
    const change: Change = { range: { start: at(0, 0), end: at(40, 0) }, text: block(40) };
    assert.equal(classifyChange({ ...base, changes: [change] }).kind, "ignore");
  });
  it("several changes in one event (multi-cursor, refactoring) do not count", () => {
    assert.equal(classifyChange({ ...base, changes: [insertion(block(9), 50), insertion(block(9), 1)] }).kind, "ignore");
  });
  it("blank lines around the block are not counted as written", () => {
    const verdict = classifyChange({ ...base, changes: [insertion("\n\n" + block(7) + "\n")] });
    assert.equal(verdict.kind, "ignore");
  });
});

describe("looksLikePaste", () => {
  const code = "def f(x):\n    return x * 2\n\nprint(f(3))\n";
  it("the clipboard's text, even re-indented or with other line endings, is a paste", () => {
    assert.equal(looksLikePaste(code, code), true);
    assert.equal(looksLikePaste(code.replace(/\n/g, "\r\n"), code), true);
    assert.equal(looksLikePaste(code.split("\n").map((l) => "        " + l).join("\n"), code), true);
  });
  it("other text is not, and an empty clipboard proves nothing", () => {
    assert.equal(looksLikePaste(code, "something else"), false);
    assert.equal(looksLikePaste(code, ""), false);
    assert.equal(looksLikePaste(code, undefined), false);
  });
});

describe("guessInlineTool", () => {
  it("the setting wins", () => {
    assert.equal(guessInlineTool(["GitHub.copilot"], "codeium"), "codeium");
  });
  it("the one active AI extension names the tool", () => {
    assert.equal(guessInlineTool(["ms-python.python", "GitHub.copilot", "GitHub.copilot-chat"], ""), "copilot");
  });
  it("none or several: unknown (VS Code does not say which provider was accepted)", () => {
    assert.equal(guessInlineTool(["ms-python.python"], ""), "unknown");
    assert.equal(guessInlineTool(["GitHub.copilot", "Codeium.codeium"], ""), "unknown");
  });
});

describe("detailedSource", () => {
  it("reads VS Code's own label when present, nothing otherwise", () => {
    assert.equal(detailedSource({ detailedReason: { source: "chat-edit", metadata: {} } }), "chat-edit");
    assert.equal(detailedSource({ detailedReason: { source: "inline-completion" } }), "inline-completion");
    assert.equal(detailedSource({ detailedReason: { source: "extension" } }), null);
    assert.equal(detailedSource({ reason: 1 }), null);
  });
});
