"""``ownit report --format sarif``: the at-the-tip view's unowned and invalid AI-written
lines as a SARIF 2.1.0 log (:mod:`ownit.core.tip_alerts`, :mod:`ownit.core.sarif`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ownit.core import sarif, tip_alerts
from ownit.core.tip_view import TipView
from ownit.core.verify_findings import subject_of

AUTOMATION_ID = "ownit/report/tip/"


def sarif_log(
    cwd: Path,
    spec: str,
    base: str | None,
    view: TipView,
    policy: Any,
    policy_note: str,
    commits: Sequence[Any],
) -> dict[str, Any]:
    from ownit import __version__
    from ownit.ci.verify_alerts import repository_uri

    del policy  # the rules each region falls under are in the view already
    subjects = {c.sha: subject_of(c) for c in commits}
    info = sarif.RunInfo(
        tool_version=__version__,
        automation_id=AUTOMATION_ID,
        revision=view.tip,
        repository_uri=repository_uri(cwd),
        exit_code=0,
        properties=tip_alerts.run_properties(view, spec=spec, base=base, policy=policy_note),
    )
    return sarif.build(tip_alerts.alerts(view, subjects), tip_alerts.RULES, info)
