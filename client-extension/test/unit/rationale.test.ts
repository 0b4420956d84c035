import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  DEFAULT_RULES,
  normalizeRationale,
  parseRules,
  validateRationale,
  validateReason,
  type RationaleRules,
} from "../../src/logic/rationale";

function rejected(text: string, rules: RationaleRules = DEFAULT_RULES): string {
  const verdict = validateRationale(text, rules);
  assert.equal(verdict.ok, false, `expected ${JSON.stringify(text)} to be rejected`);
  return verdict.ok ? "" : verdict.message;
}

describe("normalizeRationale", () => {
  it("collapses whitespace, line and paragraph separators into single spaces", () => {
    assert.equal(normalizeRationale("  a\tb\n\nc\u2028d\u2029e\u0085f\u001cg  "), "a b c d e f g");
  });
  it("removes control and format characters (zero-width, BOM, bidi)", () => {
    assert.equal(normalizeRationale("ab\u200bc\ufeffd\u202ee\u0007f"), "abcdef");
  });
  it("keeps characters outside the BMP", () => {
    assert.equal(normalizeRationale("ok 😀 fine"), "ok 😀 fine");
  });
});

describe("validateRationale", () => {
  it("accepts a real reason and returns it normalized", () => {
    const verdict = validateRationale("  Checked the bounds\nagainst the spec; tests cover it ");
    assert.deepEqual(verdict, { ok: true, text: "Checked the bounds against the spec; tests cover it" });
  });
  it("rejects too short, counting code points like the server", () => {
    assert.match(rejected("short reason"), /too short: 12 characters, at least 20/);
    // 19 astral characters are 38 UTF-16 units but 19 characters
    assert.match(rejected("😀".repeat(19)), /too short: 19 characters/);
  });
  it("rejects too long", () => {
    assert.match(rejected("word ".repeat(100)), /too long: 499 characters, at most 300/);
  });
  it("rejects placeholder text once the phrases are removed", () => {
    assert.match(rejected("lgtm looks good to me, trust me"), /placeholder/);
    assert.match(rejected("LGTM!!! ok ok ok ok ok ok ok ok ok"), /placeholder/);
  });
  it("counts distinct words of two or more letters, as the server does", () => {
    // table checked against server/ownit/core/claims.py validate_rationale
    const cases: [string, boolean][] = [
      ["the ai wrote it and it is fine", true], // "and", "it", "is" remain
      ["the ai wrote it, fine, trust me, ok?", false],
      ["a b c d e f g h i j k l m n o p", false], // one-letter words do not count
      ["x1 y2 z3 42 42 42 42 42 42 42 42", false],
      ["ok ok ok ok ok ok ok ok ok ok ok ok", false],
      ["Überprüft: Grenzen stimmen mit Spec", true],
      ["todo: fixme later, wip, tbd, n/a", false],
    ];
    for (const [text, ok] of cases) {
      assert.equal(validateRationale(text).ok, ok, text);
    }
  });
  it("phrases match whole words only", () => {
    // "ok" inside "token" is not the phrase "ok"
    const verdict = validateRationale("token bucket refills per second, verified");
    assert.equal(verdict.ok, true);
  });
  it("names the policy rule", () => {
    const rules = parseRules({ minChars: 10, maxChars: 50, reject: [], patterns: [], rule: "sensitive" });
    assert.match(rejected("too short", rules), /at least 10 needed.*\(policy rule 'sensitive'\)/);
    assert.equal(validateRationale("checked every branch by hand", rules).ok, true);
  });
  it("names where the rules came from as the server says it, never a rule called 'defaults'", () => {
    const builtIn = { minChars: 20, maxChars: 300, reject: [], patterns: [], rule: "defaults" };
    const said = rejected("too short", parseRules({ ...builtIn, origin: "built-in defaults; no .ownit.yaml" }));
    assert.match(said, /\(built-in defaults; no \.ownit\.yaml\)$/);
    assert.doesNotMatch(rejected("too short", parseRules(builtIn)), /policy rule/);
    assert.match(rejected("x", parseRules(builtIn)), /^rationale too short: 1 character, at least 20 needed/);
  });
  it("leaves regex patterns to the server (RE2 there; a backtracking RegExp here could hang)", () => {
    const slow = "/a*a*a*a*a*a*a*a*b/";
    const rules = parseRules({ patterns: ["/^copied from/", slow, "(?i)x(", "[unclosed"] });
    assert.deepEqual(parseRules({ patterns: [slow] }).patterns, [slow]);
    assert.equal(validateRationale("copied from the design doc, checked each step", rules).ok, true);
    assert.equal(validateRationale("checked " + "a".repeat(60) + " then reviewed", rules).ok, true);
  });
});

describe("validateReason", () => {
  it("needs three characters after collapsing whitespace", () => {
    assert.equal(validateReason("  a  ").ok, false);
    assert.deepEqual(validateReason(" I  typed it "), { ok: true, text: "I typed it" });
  });
});

describe("parseRules", () => {
  it("reads the server's answer and keeps defaults for anything missing or wrong", () => {
    assert.deepEqual(parseRules(null), DEFAULT_RULES);
    const rules = parseRules({ minChars: 30, maxChars: "x", heuristicMinLines: 8, rule: null });
    assert.equal(rules.minChars, 30);
    assert.equal(rules.maxChars, 300);
    assert.equal(rules.heuristicMinLines, 8);
    assert.equal(parseRules({ heuristicMinLines: null }).heuristicMinLines, null);
    assert.deepEqual(parseRules({ purposes: ["tests", "refactor"] }).purposes, ["tests", "refactor"]);
    assert.deepEqual(parseRules({ purposes: "tests" }).purposes, []);
    assert.deepEqual(parseRules({}).purposes, []);
  });
});
