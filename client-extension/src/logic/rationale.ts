/**
 * Rationale rules as the server applies them (server/ownit/core/claims.py), so the input box
 * can say why a rationale will be refused while the user types. The server stays the judge:
 * this is a preview, never a gate of its own, and the policy's `/regex/` patterns are the
 * server's alone (see validateRationale).
 * Pure: no `vscode` import, unit-tested with node's test runner.
 */

/** The effective policy for one file, as `ownit.rationaleRules {uri}` answers it. */
export interface RationaleRules {
  readonly minChars: number;
  readonly maxChars: number;
  readonly reject: readonly string[];
  readonly patterns: readonly string[];
  readonly rule: string | null;
  /** Where the rationale rules came from, as the server's refusals say it ("built-in defaults; no .ownit.yaml"). */
  readonly origin: string | null;
  readonly heuristicMinLines: number | null;
  /** The purpose tags a claim may carry (the policy's `purposes`); empty: not asked. */
  readonly purposes: readonly string[];
}

/** The server's built-in defaults (core/claims.py), used until the server answers. */
export const DEFAULT_RULES: RationaleRules = Object.freeze({
  minChars: 20,
  maxChars: 300,
  reject: Object.freeze([
    "lgtm",
    "ok",
    "okay",
    "looks good",
    "looks good to me",
    "ai wrote it",
    "the ai wrote it",
    "n/a",
    "na",
    "todo",
    "fixme",
    "tbd",
    "wip",
    "fine",
    "done",
    "yes",
    "trust me",
    "whatever",
    "test",
    "asdf",
  ]),
  patterns: Object.freeze([]),
  rule: null,
  origin: null,
  heuristicMinLines: null,
  purposes: Object.freeze([]),
});

export type Verdict =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string };

// Python's str.isspace() is true for these besides JavaScript's \s (and \s has U+FEFF,
// which Python treats as a format character and removes).
// eslint-disable-next-line no-control-regex -- Python's isspace() includes these controls
const PY_EXTRA_SPACE = /[\u001c-\u001f\u0085]/u;
const JS_SPACE = /\s/u;
const REMOVED = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;
// Python's [^\W\d_]{2,}: letters and the non-decimal numerics (Nl, No), at least two.
const WORD = /[\p{L}\p{Nl}\p{No}]{2,}/gu;
const WORD_CHAR = "[\\p{L}\\p{N}_]";

/** One line: control and format characters removed, whitespace collapsed, trimmed. */
export function normalizeRationale(text: string): string {
  let kept = "";
  for (const char of text) {
    if ((JS_SPACE.test(char) && char !== "\ufeff") || PY_EXTRA_SPACE.test(char)) {
      kept += " ";
    } else if (!REMOVED.test(char)) {
      kept += char;
    }
  }
  return kept.replace(/ +/g, " ").trim();
}

/** Length in code points, as Python's len() counts. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) {
    count += 1;
  }
  return count;
}

function casefold(text: string): string {
  return text.toLowerCase().replace(/ß/g, "ss");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

function stripPhrases(text: string, phrases: readonly string[]): string {
  let lowered = casefold(text);
  const longestFirst = [...phrases].sort((a, b) => codePointLength(b) - codePointLength(a));
  for (const phrase of longestFirst) {
    const folded = casefold(phrase);
    if (!folded) {
      continue;
    }
    const re = new RegExp(`(?<!${WORD_CHAR})${escapeRegExp(folded)}(?!${WORD_CHAR})`, "gu");
    lowered = lowered.replace(re, " ");
  }
  return lowered;
}

function ruleSuffix(rules: RationaleRules): string {
  if (rules.origin) {
    return ` (${rules.origin})`;
  }
  // An older server: only the rule's name, and "defaults" is no rule a user wrote.
  return rules.rule && rules.rule !== "defaults" ? ` (policy rule '${rules.rule}')` : "";
}

/** The verdict the server would give, with a message worded like the server's. */
export function validateRationale(text: string, rules: RationaleRules = DEFAULT_RULES): Verdict {
  const rationale = normalizeRationale(text);
  const length = codePointLength(rationale);
  if (length < rules.minChars) {
    return {
      ok: false,
      message:
        `rationale too short: ${length} character${length === 1 ? "" : "s"}, at least ${rules.minChars} needed — ` +
        `say why this code is correct and safe${ruleSuffix(rules)}`,
    };
  }
  if (length > rules.maxChars) {
    return {
      ok: false,
      message:
        `rationale too long: ${length} characters, at most ${rules.maxChars} — ` +
        `keep it to the one reason that matters${ruleSuffix(rules)}`,
    };
  }
  const remaining = new Set(stripPhrases(rationale, rules.reject).match(WORD) ?? []);
  if (remaining.size < 3) {
    return {
      ok: false,
      message:
        "rationale is placeholder text (e.g. 'lgtm', 'looks good', 'ai wrote it') — " +
        `say what you checked and why the code is right${ruleSuffix(rules)}`,
    };
  }
  // `rules.patterns` (the policy's /regex/ entries) are left to the server, which matches
  // them with RE2 in linear time when the claim arrives: JavaScript's RegExp backtracks,
  // and one pattern such as /a*a*a*a*a*a*a*a*b/ would freeze the editor on a long input.
  return { ok: true, text: rationale };
}

/** A dismissal reason as the server accepts it: at least 3 characters once collapsed. */
export function validateReason(text: string): Verdict {
  const reason = text.split(/\s+/u).filter(Boolean).join(" ");
  if (codePointLength(reason) < 3) {
    return { ok: false, message: "say why this code is not AI-written (a short reason is needed)" };
  }
  return { ok: true, text: reason };
}

/** Reads an `ownit.rationaleRules` answer defensively; anything missing keeps its default. */
export function parseRules(value: unknown): RationaleRules {
  if (typeof value !== "object" || value === null) {
    return DEFAULT_RULES;
  }
  const v = value as Record<string, unknown>;
  const int = (x: unknown, fallback: number): number =>
    typeof x === "number" && Number.isInteger(x) && x >= 0 ? x : fallback;
  const strings = (x: unknown, fallback: readonly string[]): readonly string[] =>
    Array.isArray(x) && x.every((s) => typeof s === "string") ? (x) : fallback;
  const minLines = v["heuristicMinLines"];
  return {
    minChars: int(v["minChars"], DEFAULT_RULES.minChars),
    maxChars: int(v["maxChars"], DEFAULT_RULES.maxChars),
    reject: strings(v["reject"], DEFAULT_RULES.reject),
    patterns: strings(v["patterns"], DEFAULT_RULES.patterns),
    rule: typeof v["rule"] === "string" ? v["rule"] : null,
    origin: typeof v["origin"] === "string" ? v["origin"] : null,
    heuristicMinLines:
      typeof minLines === "number" && Number.isInteger(minLines) && minLines > 0 ? minLines : null,
    purposes: strings(v["purposes"], DEFAULT_RULES.purposes),
  };
}
