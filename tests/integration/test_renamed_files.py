"""commit/renamed_files.follow on a real store: a renamed file's regions move to its new
name at the lines they are found at there; those not found stay on the old name; a file
without regions, or whose new text cannot be read, is left alone."""

from __future__ import annotations

from pathlib import Path

from ownit.commit.renamed_files import Moved, follow
from ownit.core.fingerprint import fingerprint
from ownit.core.model import Region, Source
from ownit.store import Store, new_region_id

OLD = "def f():\n    return 1\n\ndef g():\n    return 2\n"
# Renamed with a line added on top (f moved down one line) and g deleted.
NEW = "import os\ndef f():\n    return 1\n"


def _region(path: str, first: int, end: int) -> Region:
    return Region(
        id=new_region_id(),
        path=path,
        first_line=first,
        end_line=end,
        tool="copilot",
        source=Source.INLINE_COMPLETION,
        created_at=1_700_000_000.0,
        fingerprint=fingerprint(OLD.splitlines()[first:end]),
        confidence=0.95,
    )


def test_regions_follow_the_rename_to_where_their_lines_are(tmp_path: Path) -> None:
    f, g = _region("old.py", 0, 2), _region("old.py", 3, 5)
    with Store.open(tmp_path / "state.db") as store:
        store.add_region(f, OLD)
        store.add_region(g, OLD)
        texts = {"new.py": NEW}
        moved = follow(
            store, [("old.py", "new.py"), ("none.py", "x.py"), ("old.py", "gone.py")], texts.get
        )
        assert moved == [Moved("old.py", "new.py", regions=1, left=1)]
        [at_new] = store.region_states("new.py")
        assert at_new.region.id == f.id
        assert (at_new.region.first_line, at_new.region.end_line) == (1, 3)
        assert at_new.region.fingerprint == fingerprint(NEW.splitlines()[1:3])
        assert store.basis_text(f.id) == NEW  # its lines now refer to the new text
        [left] = store.region_states("old.py")
        assert left.region.id == g.id and left.region.first_line == 3


def test_a_move_with_edits_moves_the_edited_region_through_a_line_diff(tmp_path: Path) -> None:
    f, g = _region("old.py", 0, 2), _region("old.py", 3, 5)
    edited = "import os\ndef f():\n    return 1\n\ndef g():\n    return 20\n"
    with Store.open(tmp_path / "state.db") as store:
        store.add_region(f, OLD)
        store.add_region(g, OLD)
        assert follow(store, [("old.py", "new.py")], {"new.py": edited}.get) == [
            Moved("old.py", "new.py", regions=2, left=0)
        ]
        lines = {
            s.region.id: (s.region.first_line, s.region.end_line)
            for s in store.region_states("new.py")
        }
        assert lines == {f.id: (1, 3), g.id: (4, 6)}
        assert store.region_states("old.py") == []
