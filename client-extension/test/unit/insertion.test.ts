import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  countLineBreaks,
  endOfText,
  insertedRanges,
  spanLines,
  textOf,
  trimToWritten,
  type Change,
} from "../../src/logic/insertion";

const at = (line: number, character: number) => ({ line, character });
const insert = (line: number, character: number, text: string): Change => ({
  range: { start: at(line, character), end: at(line, character) },
  text,
});

/** Applies changes to a text the way VS Code does, to check ranges against the result. */
function apply(text: string, changes: readonly Change[]): string {
  let lines = text.split("\n");
  for (const change of changes) {
    const { start, end } = change.range;
    const before = lines.slice(0, start.line).concat([(lines[start.line] ?? "").slice(0, start.character)]).join("\n");
    const after = [(lines[end.line] ?? "").slice(end.character)].concat(lines.slice(end.line + 1)).join("\n");
    lines = (before + change.text + after).split("\n");
  }
  return lines.join("\n");
}

describe("endOfText", () => {
  it("handles \\n, \\r\\n and \\r line breaks", () => {
    assert.deepEqual(endOfText(at(2, 4), "abc"), at(2, 7));
    assert.deepEqual(endOfText(at(2, 4), "a\nbc"), at(3, 2));
    assert.deepEqual(endOfText(at(2, 4), "a\r\nbc\rd\n"), at(5, 0));
  });
  it("counts UTF-16 code units like VS Code", () => {
    assert.deepEqual(endOfText(at(0, 0), "😀x"), at(0, 3));
  });
  it("countLineBreaks stops at its limit", () => {
    assert.equal(countLineBreaks("a\r\nb\rc\nd"), 3);
    assert.equal(countLineBreaks("\n".repeat(1000), 5), 5);
  });
});

describe("insertedRanges", () => {
  it("one inline completion at the end of a line", () => {
    const changes = [insert(3, 10, "(a, b):\n    return a + b")];
    assert.deepEqual(insertedRanges(changes), [{ start: at(3, 10), end: at(4, 16) }]);
  });
  it("a completion that replaces the typed prefix of the line", () => {
    const change: Change = { range: { start: at(1, 0), end: at(1, 3) }, text: "def add(a, b):\n    return a + b\n" };
    assert.deepEqual(insertedRanges([change]), [{ start: at(1, 0), end: at(3, 0) }]);
  });
  it("later changes shift earlier insertions (one event, descending order)", () => {
    const changes = [insert(5, 0, "x\ny\n"), insert(1, 2, "A\nB")];
    const ranges = insertedRanges(changes);
    assert.deepEqual(ranges, [
      { start: at(1, 2), end: at(2, 1) },
      { start: at(6, 0), end: at(8, 0) },
    ]);
    const doc = apply("l0\nl1\nl2\nl3\nl4\nl5", changes).split("\n");
    assert.equal(textOf(doc, ranges[0]!), "A\nB");
    assert.equal(textOf(doc, ranges[1]!), "x\ny\n");
  });
  it("changes in ascending order (each relative to the previous result)", () => {
    const changes = [insert(0, 0, "one\n"), insert(3, 0, "two\n")];
    const doc = apply("a\nb\nc", changes).split("\n");
    const ranges = insertedRanges(changes);
    assert.deepEqual(ranges.map((r) => textOf(doc, r)), ["one\n", "two\n"]);
  });
  it("successive partial accepts on the same line merge into one range", () => {
    const changes = [insert(0, 4, "foo"), insert(0, 7, "(bar)")];
    assert.deepEqual(insertedRanges(changes), [{ start: at(0, 4), end: at(0, 12) }]);
  });
  it("a deletion inside an insertion shrinks it; pure deletions insert nothing", () => {
    const changes: Change[] = [insert(0, 0, "abcdef"), { range: { start: at(0, 2), end: at(0, 4) }, text: "" }];
    assert.deepEqual(insertedRanges(changes), [{ start: at(0, 0), end: at(0, 4) }]);
    assert.deepEqual(insertedRanges([{ range: { start: at(0, 0), end: at(1, 0) }, text: "" }]), []);
  });
});

describe("trimToWritten and spanLines", () => {
  it("a completion that starts with a line break does not take the line it was appended to", () => {
    const span = { start: at(3, 12), end: at(5, 9) };
    const trimmed = trimToWritten(span, "\n    x = 1\n    y = 2");
    assert.deepEqual(trimmed, { start: at(4, 0), end: at(5, 9) });
    assert.deepEqual(spanLines(trimmed), { first: 4, last: 5 });
  });
  it("trailing indentation after the last line break does not take the next line", () => {
    const trimmed = trimToWritten({ start: at(2, 0), end: at(4, 4) }, "a = 1\nb = 2\n    ");
    assert.deepEqual(trimmed, { start: at(2, 0), end: at(4, 0) });
    assert.deepEqual(spanLines(trimmed), { first: 2, last: 3 });
  });
  it("whitespace only is nothing", () => {
    assert.equal(trimToWritten({ start: at(0, 0), end: at(1, 2) }, "\n  "), null);
  });
});
