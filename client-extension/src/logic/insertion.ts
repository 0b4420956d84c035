/**
 * Which range of the document an edit inserted, from the content changes VS Code reports.
 * Pure: positions are plain {line, character} (UTF-16 code units, as VS Code and the
 * client's default LSP position encoding count them).
 */

export interface Pos {
  readonly line: number;
  readonly character: number;
}

export interface Span {
  readonly start: Pos;
  readonly end: Pos;
}

/** One content change: `range` is in the document as it was before this change. */
export interface Change {
  readonly range: Span;
  readonly text: string;
}

const LINE_BREAK = /\r\n|\r|\n/g;

export function comparePos(a: Pos, b: Pos): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** Where `text` ends when inserted at `start` (LSP line breaks: \r\n, \r, \n). */
export function endOfText(start: Pos, text: string): Pos {
  let line = start.line;
  let lastBreakEnd = -1;
  for (const match of text.matchAll(LINE_BREAK)) {
    line += 1;
    lastBreakEnd = (match.index ?? 0) + match[0].length;
  }
  if (lastBreakEnd < 0) {
    return { line, character: start.character + text.length };
  }
  return { line, character: text.length - lastBreakEnd };
}

/** How many line breaks `text` holds, counting at most `limit` (cheap on huge text). */
export function countLineBreaks(text: string, limit = Number.POSITIVE_INFINITY): number {
  let count = 0;
  for (let i = 0; i < text.length && count < limit; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 10) {
      count += 1;
    } else if (code === 13) {
      count += 1;
      if (text.charCodeAt(i + 1) === 10) {
        i += 1;
      }
    }
  }
  return count;
}

/** `pos` after the document went through `change` (a position inside the replaced range moves to its start). */
export function shiftPos(pos: Pos, change: Change): Pos {
  const { start, end } = change.range;
  if (comparePos(pos, start) <= 0) {
    return pos;
  }
  if (comparePos(pos, end) < 0) {
    return start;
  }
  const newEnd = endOfText(start, change.text);
  if (pos.line === end.line) {
    return { line: newEnd.line, character: newEnd.character + (pos.character - end.character) };
  }
  return { line: pos.line + (newEnd.line - end.line), character: pos.character };
}

/**
 * The ranges of the final document that hold the text the changes inserted. Changes are
 * applied in order, each relative to the document left by the ones before it (VS Code's
 * contract for one event; successive events simply continue the list). Ranges that touch
 * are merged; deletions insert nothing.
 */
export function insertedRanges(changes: readonly Change[]): Span[] {
  let spans: Span[] = [];
  for (const change of changes) {
    spans = spans.map((span) => ({
      start: shiftPos(span.start, change),
      end: shiftPos(span.end, change),
    }));
    spans = spans.filter((span) => comparePos(span.start, span.end) < 0);
    if (change.text.length > 0) {
      spans.push({ start: change.range.start, end: endOfText(change.range.start, change.text) });
    }
  }
  spans.sort((a, b) => comparePos(a.start, b.start));
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && comparePos(span.start, last.end) <= 0) {
      if (comparePos(span.end, last.end) > 0) {
        merged[merged.length - 1] = { start: last.start, end: span.end };
      }
    } else {
      merged.push(span);
    }
  }
  return merged;
}

/**
 * The part of an inserted span that holds written characters: a leading run of whitespace
 * that ends with a line break (a completion that starts with "\n") does not make the line
 * it was appended to AI-written, and trailing indentation after the last line break does
 * not make the next line AI-written (the server does not take a line a range ends at
 * character 0 of). `text` is what the span holds. Null when only whitespace was inserted.
 */
export function trimToWritten(span: Span, text: string): Span | null {
  if (text.trim().length === 0) {
    return null;
  }
  let start = span.start;
  const leading = /^[ \t]*(?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))*/.exec(text);
  if (leading) {
    start = { line: endOfText(span.start, leading[0]).line, character: 0 };
  }
  // Cut after the line break that ends the last line holding a written character.
  let lastWritten = text.length - 1;
  while (lastWritten >= 0 && /\s/.test(text[lastWritten]!)) {
    lastWritten -= 1;
  }
  const rest = text.slice(lastWritten + 1);
  const breakAfter = /\r\n|\r|\n/.exec(rest);
  const end = breakAfter
    ? endOfText(span.start, text.slice(0, lastWritten + 1 + breakAfter.index + breakAfter[0].length))
    : span.end;
  return comparePos(start, end) < 0 ? { start, end } : null;
}

/** The lines (0-based, inclusive) a span takes, as the server counts them for ownit.markAi. */
export function spanLines(span: Span): { first: number; last: number } {
  const last =
    span.end.character === 0 && span.end.line > span.start.line ? span.end.line - 1 : span.end.line;
  return { first: span.start.line, last };
}

/** The text of `span` given the document's lines (for trimming; tests use it too). */
export function textOf(lines: readonly string[], span: Span): string {
  if (span.start.line === span.end.line) {
    return (lines[span.start.line] ?? "").slice(span.start.character, span.end.character);
  }
  const parts = [(lines[span.start.line] ?? "").slice(span.start.character)];
  for (let line = span.start.line + 1; line < span.end.line; line += 1) {
    parts.push(lines[line] ?? "");
  }
  parts.push((lines[span.end.line] ?? "").slice(0, span.end.character));
  return parts.join("\n");
}
