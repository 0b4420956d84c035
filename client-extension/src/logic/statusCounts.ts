/**
 * What the status bar and the "Show unowned" list say about the workspace's regions:
 * unowned (nobody owns them) and stale (owned, but the code changed since) counted apart,
 * because they ask different things of the user (own it / look again at what you owned).
 * Pure: no `vscode` import, unit-tested with node's test runner.
 */

export interface OwnershipCounts {
  readonly unowned: number;
  readonly stale: number;
}

/** The counts of a list of regions as `ownit.status` gives them (`ownership` per region). */
export function countOwnership(regions: readonly { readonly ownership: string }[]): OwnershipCounts {
  let unowned = 0;
  let stale = 0;
  for (const region of regions) {
    if (region.ownership === "stale") {
      stale += 1;
    } else if (region.ownership === "unowned") {
      unowned += 1;
    }
  }
  return { unowned, stale };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The status bar's short text after its icon: "1 unowned", "2 stale", "1 unowned · 2 stale"; "" when none. */
export function statusBarText(counts: OwnershipCounts): string {
  const parts: string[] = [];
  if (counts.unowned > 0) {
    parts.push(`${counts.unowned} unowned`);
  }
  if (counts.stale > 0) {
    parts.push(`${counts.stale} stale`);
  }
  return parts.join(" · ");
}

/** The same in words, for the tooltip and the list's title. */
export function countsInWords(counts: OwnershipCounts): string {
  const parts: string[] = [];
  if (counts.unowned > 0) {
    parts.push(`${plural(counts.unowned, "AI-written region")} nobody owns`);
  }
  if (counts.stale > 0) {
    parts.push(`${plural(counts.stale, "owned region")} whose code changed since ${counts.stale === 1 ? "it was" : "they were"} owned`);
  }
  return parts.length === 0 ? "every AI-written region is owned" : parts.join(" and ");
}
