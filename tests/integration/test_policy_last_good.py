"""The session's one rule for an invalid `.ownit.yaml` (docs/policy.md, docs/lsp.md): its
problems are reported and the last good policy stays in force; at start-up, with no good
policy read yet, the built-in defaults hold."""

from __future__ import annotations

from pathlib import Path

from ownit.core.model import Severity
from ownit.core.policy import default_policy
from ownit.session import Session, path_to_uri

GOOD = "version: 1\ndefaults:\n  severity: error\nrules: []\n"
TYPO = GOOD.replace("  severity:", "  severty:")


def _open(git_repo: Path) -> tuple[Session, str]:
    code = git_repo / "a.py"
    code.write_text("x = 1\n")
    session = Session()
    uri = path_to_uri(code)
    session.open(uri, code.read_text(), 1)
    return session, uri


def test_an_invalid_reload_keeps_the_last_good_policy(git_repo: Path) -> None:
    (git_repo / ".ownit.yaml").write_text(GOOD)
    session, uri = _open(git_repo)
    document = session.document(uri)
    rule = session.rule_for(document)
    assert rule is not None and rule.severity == Severity.ERROR
    assert document.context is not None

    (git_repo / ".ownit.yaml").write_text(TYPO)
    state = session.reload_policy(document.context)
    assert state.kept_last_good and state.problems
    assert "severty" in str(state.problems[0])
    rule = session.rule_for(document)
    assert rule is not None and rule.severity == Severity.ERROR  # not the defaults

    (git_repo / ".ownit.yaml").write_text(GOOD.replace("error", "hint"))
    state = session.reload_policy(document.context)
    assert not state.kept_last_good and not state.problems
    rule = session.rule_for(document)
    assert rule is not None and rule.severity == Severity.HINT
    session.shutdown()


def test_invalid_at_start_means_the_defaults_until_a_good_one(git_repo: Path) -> None:
    (git_repo / ".ownit.yaml").write_text(TYPO)
    session, uri = _open(git_repo)
    document = session.document(uri)
    assert document.context is not None
    state = document.context.policy()
    assert state.kept_last_good and state.problems
    rule = session.rule_for(document)
    assert rule is not None and rule == default_policy().effective("a.py")
    assert rule.severity == Severity.WARNING  # the built-in default
    state = session.reload_policy(document.context)  # still invalid: still the defaults
    rule = session.rule_for(document)
    assert rule is not None and rule.severity == Severity.WARNING
    session.shutdown()
