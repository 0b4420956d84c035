import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { countOwnership, countsInWords, statusBarText } from "../../src/logic/statusCounts";

describe("countOwnership", () => {
  it("counts unowned and stale regions apart", () => {
    const counts = countOwnership([{ ownership: "unowned" }, { ownership: "stale" }, { ownership: "stale" }]);
    assert.deepEqual(counts, { unowned: 1, stale: 2 });
  });
  it("counts neither owned nor dismissed regions", () => {
    assert.deepEqual(countOwnership([{ ownership: "owned" }, { ownership: "dismissed" }]), { unowned: 0, stale: 0 });
  });
});

describe("statusBarText", () => {
  it("says stale, not unowned, when the only finding is a changed-since-owned region", () => {
    assert.equal(statusBarText({ unowned: 0, stale: 1 }), "1 stale");
  });
  it("shows both counts when there are both", () => {
    assert.equal(statusBarText({ unowned: 2, stale: 1 }), "2 unowned · 1 stale");
    assert.equal(statusBarText({ unowned: 1, stale: 0 }), "1 unowned");
  });
  it("is empty when every region is owned", () => {
    assert.equal(statusBarText({ unowned: 0, stale: 0 }), "");
  });
});

describe("countsInWords", () => {
  it("names what each count asks of the user", () => {
    assert.equal(countsInWords({ unowned: 0, stale: 1 }), "1 owned region whose code changed since it was owned");
    assert.equal(
      countsInWords({ unowned: 2, stale: 3 }),
      "2 AI-written regions nobody owns and 3 owned regions whose code changed since they were owned",
    );
    assert.equal(countsInWords({ unowned: 0, stale: 0 }), "every AI-written region is owned");
  });
});
