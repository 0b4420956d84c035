"""core/report_html (with report_page and policy/summary): the HTML page of a report,
from hand-made commits and claims — its structure, its sections, and repository data that
tries to be markup staying text."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser

from ownit.core import report
from ownit.core import trailers as tr
from ownit.core.policy import default_policy
from ownit.core.policy.summary import summarize
from ownit.core.report_html import CSP, SECTIONS, Section, render
from ownit.core.report_page import ReportPage, build_page, commit_ref
from ownit.core.unowned_at_tip import UnownedAtTip
from ownit.core.verify_prepare import Prepared

NOW = datetime.datetime(2025, 3, 3, 9, 30, tzinfo=datetime.UTC)
DAY = 86400
T0 = int(datetime.datetime(2025, 1, 6, tzinfo=datetime.UTC).timestamp())
HOSTILE = '"><img src=x onerror="alert(1)"><script>alert(2)</script>\u202e\x1b[31m'
LONG = "a/" * 150 + "b" * 400 + ".py"


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str = "Subject\n"
    parents: tuple[str, ...] = ()
    author_name: str = "Dev"
    author_email: str = "dev@example.com"
    committer_name: str = "Dev"
    committer_email: str = "dev@example.com"
    time: int = T0


class Tags(HTMLParser):
    """Every start tag and its attributes, and the text, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    return tags


def make_page(
    owner: str = "dev@example.com", path: str = "src/a.py", subject: str = "Add"
) -> ReportPage:
    a, b, c = "a" * 40, "b" * 40, "c" * 40
    commits = [
        Commit(a, f"{subject}\n", time=T0),
        Commit(b, "Helpers\n", time=T0 + 9 * DAY),
        Commit(c, "Own\n", time=T0 + 20 * DAY),
    ]
    owned = tr.ClaimLine(path, 1, 4, "f" * 12, "copilot", owner, f"Checked: {HOSTILE}")
    unowned = tr.ClaimLine("src/b.py", 1, 3, "e" * 12, "claude-code")
    prepared = Prepared(
        claims={a: (unowned,), c: (owned,)},
        ai={a: "Assisted-by", b: "Co-authored-by"},
        ai_tools={b: "claude-code"},
    )
    at_tip = [UnownedAtTip(commits[0], unowned, 2, 4)]
    result = report.build(commits, prepared, {b: {path: 6}}, at_tip)
    return build_page(
        result,
        repository="billing",
        range_spec="main..topic",
        base="d" * 40,
        tip=commit_ref(commits[-1]),
        generated_at=NOW,
        generator="ownit 9.9",
        policy=summarize(default_policy(), "built-in defaults"),
    )


def test_the_page_is_self_contained_and_runs_nothing() -> None:
    page = render(make_page())
    assert page.startswith("<!DOCTYPE html>\n")
    tags = parsed(page)
    names = {name for name, _ in tags.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "form", "base", "audio"}
    links = [attrs for name, attrs in tags.tags if name == "link"]
    assert links == [{"rel": "icon", "href": "data:,"}], "nothing to fetch, not even a favicon"
    metas = {a.get("http-equiv"): a.get("content") for n, a in tags.tags if n == "meta"}
    assert metas["Content-Security-Policy"] == CSP
    assert CSP == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    for _, attrs in tags.tags:
        assert not [k for k in attrs if k.startswith("on")], attrs
        for key, value in attrs.items():
            if key == "xmlns":
                continue  # a namespace name, never fetched
            assert not (value or "").strip().lower().startswith(("javascript:", "http:", "https:"))
    assert "url(" not in re.sub(r"url\(#[\w-]+\)", "", page), "only in-page references"


def test_sections_in_order_with_their_numbers() -> None:
    page = render(make_page())
    ids = re.findall(r'<section id="([\w-]+)"', page)
    assert ids == [
        "summary",
        "share-over-time",
        "by-tool",
        "by-owner",
        "by-path",
        "owned-code",
        "unowned-at-tip",
        "policy",
        "method",
    ]
    toc = re.findall(r'<li><a href="#([\w-]+)">', page)
    assert toc == ids
    text = "".join(parsed(page).text)
    assert "4 of 13 AI-written lines owned" in text
    assert "main..topic" in text and "dddddddddd" in text and "billing" in text
    assert "3 March 2025, 09:30 UTC by ownit 9.9" in text
    assert "src/b.py:2-4" in text and "ownit claim src/b.py:2" in text
    assert "sensitive" in text and "the Co-authored-by trailer" in text
    assert "Invalid claims" not in text


def test_every_chart_is_well_formed_svg_with_a_title() -> None:
    page = render(make_page())
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', page)
    assert len(charts) == 5
    ids = []
    for chart in charts:
        root = ET.fromstring(chart)
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text
        ids += [e.get("id") for e in root.iter() if e.get("id")]
    ids += re.findall(r'<pattern id="([\w-]+)"', page.split('class="chart"')[0])
    assert len(ids) == len(set(ids)), "ids are unique in the page"
    share = next(c for c in charts if 'id="chart-share"' in c)
    assert share.count("<circle") == 3, "three weeks, each with AI-written lines"


def test_hostile_repository_data_is_text() -> None:
    page = render(make_page(owner=HOSTILE, path=LONG, subject=HOSTILE))
    tags = parsed(page)
    assert not {name for name, _ in tags.tags} & {"script", "img"}
    assert "\u202e" not in page and "\x1b" not in page
    text = "".join(tags.text)
    assert '"><img src=x onerror="alert(1)"><script>alert(2)</script>\\u202e\\x1b[31m' in text
    assert "b" * 400 in text.replace("\u200b", ""), "a long path is shown whole in the table"
    for chart in re.findall(r"<svg.*?</svg>", page):
        ET.fromstring(chart)


def test_an_empty_range_and_an_empty_repository() -> None:
    empty = build_page(
        report.Report(),
        repository="r",
        range_spec="HEAD..HEAD",
        base="a" * 40,
        tip=commit_ref(Commit("a" * 40)),
        generated_at=NOW,
        generator="ownit",
        policy=summarize(default_policy(), "built-in defaults"),
    )
    page = render(empty)
    assert "There are no commits in this range: nothing to report." in page
    assert re.findall(r'<section id="([\w-]+)"', page) == ["summary", "policy"]
    no_commits = build_page(
        report.Report(),
        repository="r",
        range_spec="HEAD",
        base=None,
        tip=None,
        generated_at=NOW,
        generator="ownit",
        policy=None,
    )
    page = render(no_commits)
    assert "The repository has no commits yet: nothing to report." in page
    assert re.findall(r'<section id="([\w-]+)"', page) == ["summary"]


def test_a_new_section_is_one_function() -> None:
    def extra(page: ReportPage) -> Section | None:
        return Section("extra", "Extra <view>", f"<p>{page.report.commits} commits</p>")

    def absent(page: ReportPage) -> Section | None:
        return None

    page = render(make_page(), (*SECTIONS, extra, absent))
    assert (
        '<section id="extra" aria-labelledby="extra-h"><h2 id="extra-h">Extra &lt;view&gt;</h2>'
        in page
    )
    assert "<p>3 commits</p>" in page


def test_policy_summary_says_each_key_in_words() -> None:
    summary = summarize(default_policy(), "built-in defaults")
    defaults = dict(summary.defaults)
    assert defaults["severity"] == "warning" and defaults["commit"] == "warn"
    assert defaults["rationale.min_chars"] == "20 characters"
    assert defaults["rationale.reject"].startswith("20 phrases: lgtm, ok")
    assert defaults["owners"] == "anyone" and defaults["history_since"] == "all history"
    rules = {rule.name: dict(rule.sets) for rule in summary.rules}
    assert rules["sensitive"]["commit"] == "block"
    assert rules["sensitive"]["rationale.also_reject"].startswith("1 pattern: /^(looks")
    assert rules["tests"] == {"severity": "information", "commit": "allow"}
    looks = {p.name: (p.looks_at, p.tool) for p in summary.ai_commit_patterns}
    assert looks["claude co-author"] == ("the Co-authored-by trailer", "claude-code")
    assert looks["aider author"] == ("the author name", "aider")
    assert looks["assisted-by trailer"] == ("the Assisted-by trailer", "")
    assert "**/node_modules/" in summary.exclude and summary.exclude_linguist


def test_generated_at_must_say_its_zone() -> None:
    import pytest

    with pytest.raises(ValueError, match="timezone-aware"):
        build_page(
            report.Report(),
            repository="r",
            range_spec="HEAD",
            base=None,
            tip=None,
            generated_at=datetime.datetime(2025, 1, 1),
            generator="ownit",
            policy=None,
        )


def test_charts_keep_to_thirty_bars_and_say_so() -> None:
    commits, claims = [], {}
    for index in range(45):
        sha = f"{index:040x}"
        commits.append(Commit(sha, time=T0 + index))
        email = f"dev{index}@example.com"
        claims[sha] = (
            tr.ClaimLine(f"p{index}.py", 1, index + 1, f"{index:012x}", "t", email, "Checked"),
        )
    result = report.build(commits, Prepared(claims=claims), {})
    page = build_page(
        result,
        repository="r",
        range_spec="HEAD",
        base=None,
        tip=commit_ref(commits[-1]),
        generated_at=NOW,
        generator="ownit",
        policy=None,
        path_limit=0,
    )
    html = render(page)
    owners = re.search(r'<svg [^>]*id="chart-owners".*?</svg>', html)
    paths = re.search(r'<svg [^>]*id="chart-paths".*?</svg>', html)
    assert owners and paths
    assert owners.group(0).count('class="bar"') == 30 == paths.group(0).count('class="bar"')
    assert "Owned lines by owner (the top 30; the table has them all)." in html
    assert "(the top 30; the table has them all)" in html.split('id="by-path"')[1]
    assert html.count("dev44<wbr>@example.com") == 3, "owner, path and owned-code tables"
