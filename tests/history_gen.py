"""A fixture history in each AI tool's real commit conventions, with its ground truth.

``generate(seed, commits)`` builds a ``git fast-import`` stream of one linear ``main``
branch and records, for every commit, whether an AI tool wrote code in it, which tool and
model (as ownit names them: docs/policy.md, "Tool and model"), and which of the lines it
added are AI-written; and, for every line of the tip, the commit that introduced it.
``History.write(repo)`` imports it (fast: no working tree, no hooks) and maps the truth
to commit ids. Seeded: the same seed gives the same stream, byte for byte.

The conventions are each tool's own (docs/policy.md names the sources), e.g. aider's three
modes (its co-author trailer; ``You (aider)`` as author and committer; the ``aider: ``
subject of versions before 0.39) and its commits of the user's own dirty files (committer
alone ``You (aider)``: human), Claude Code's co-author with the model, the Copilot coding
agent as author, the kernel's ``Assisted-by: AGENT:MODEL TOOL…``. They are mixed with
human commits (some with trailers that only look like a tool's), renames, ownit's own
exact trailers (``AI-Lines: exact``: only the claimed lines are AI; some of those files
renamed right after, with ``git mv``) and GitHub-style
squash merges: one commit by the merger, committed by ``GitHub``, whose message
concatenates the squashed commits' messages, trailers included.

Every line the generator writes is unique, and edits only insert and delete lines, so
git's diff and blame see exactly the lines the truth says each commit added.

Two kinds of commit are left out unless asked for, because ownit cannot get them right
from commit metadata alone and says so (docs/trailers.md): a squash that mixes an AI
tool's commits with human ones (``mixed_squashes``: the trailer speaks for the whole
commit, so the human lines count as AI), and VS Code's Copilot trailer on a commit with
no AI code in it (``stray_vscode_trailers``: the trailer is weak evidence, but evidence).
"""

from __future__ import annotations

import random
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ownit.core.fingerprint import fingerprint

Person = tuple[str, str]
DEVS: tuple[Person, ...] = (
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Linus Dev", "linus@example.com"),
)
GITHUB: Person = ("GitHub", "noreply@github.com")
COPILOT_AGENT: Person = ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com")
DEVIN: Person = (
    "devin-ai-integration[bot]",
    "158243242+devin-ai-integration[bot]@users.noreply.github.com",
)
JULES: Person = (
    "google-labs-jules[bot]",
    "161369871+google-labs-jules[bot]@users.noreply.github.com",
)
START = 1_700_000_000


@dataclass(frozen=True)
class Line:
    text: str
    mark: int  # the commit that added it
    ai: bool


@dataclass
class CommitTruth:
    mark: int
    kind: str  # the convention, e.g. "aider co-author"
    subject: str
    ai: bool  # an AI tool wrote code in it
    attribution: str | None  # tool or tool:model, None for a human commit
    exact: bool = False  # ownit's AI-Lines: exact claims say which lines are AI
    added: dict[str, list[int]] = field(default_factory=dict)  # path -> 1-based lines
    ai_lines: dict[str, list[int]] = field(default_factory=dict)  # the AI-written ones
    sha: str = ""

    @property
    def evidence(self) -> str | None:
        """The evidence class of its AI lines (docs/data-model.md#evidence): ``exact``
        when ownit's claim lines name them, else the commit-level class of the pattern
        that marks it (``inferred`` for VS Code's weak trailer); None: a human commit."""
        if not self.ai:
            return None
        if self.exact:
            return "exact"
        return "inferred" if self.kind in WEAK_KINDS else "corroborated"


@dataclass(frozen=True)
class TipLine:
    mark: int
    ai: bool
    attribution: str | None
    sha: str = ""


@dataclass
class History:
    stream: bytes
    commits: list[CommitTruth]
    tip: dict[str, list[TipLine]]  # path at the tip -> its lines
    renamed: set[str]  # tip paths that were renamed at some point

    def write(self, repo: Path, env: dict[str, str] | None = None) -> None:
        """Import into the (fresh, empty) repository ``repo``, check out ``main`` and
        fill in the commit ids of the truth."""
        marks = repo / ".git" / "history-gen-marks"
        subprocess.run(
            ["git", "fast-import", "--quiet", f"--export-marks={marks}"],
            cwd=repo,
            env=env,
            input=self.stream,
            check=True,
            capture_output=True,
        )
        shas = {}
        for row in marks.read_text("ascii").split("\n"):
            if row:
                mark, sha = row.split()
                shas[int(mark[1:])] = sha
        marks.unlink()
        subprocess.run(
            ["git", "reset", "-q", "--hard", "main"],
            cwd=repo,
            env=env,
            check=True,
            capture_output=True,
        )
        for commit in self.commits:
            commit.sha = shas[commit.mark]
        by_mark = {commit.mark: commit.sha for commit in self.commits}
        self.tip = {
            path: [TipLine(x.mark, x.ai, x.attribution, by_mark[x.mark]) for x in lines]
            for path, lines in self.tip.items()
        }


# --- what each tool writes ---------------------------------------------------------------------


@dataclass
class Made:
    """One commit's metadata as a convention writes it."""

    message: str
    author: Person
    committer: Person
    attribution: str | None  # None: a person wrote the code


Convention = Callable[[random.Random, Person, str], Made]


def _trailers(subject: str, *lines: str, body: str = "") -> str:
    text = subject + "\n"
    if body:
        text += "\n" + body + "\n"
    if lines:
        text += "\n" + "\n".join(lines) + "\n"
    return text


def _named(dev: Person, suffix: str) -> Person:
    return (f"{dev[0]}{suffix}", dev[1])


AIDER_MODELS = (
    "gpt-5",
    "anthropic/claude-sonnet-4-20250514",
    "openrouter/deepseek/deepseek-chat-v3-0324:free",
    "gemini/gemini-2.5-pro",
)
CLAUDE_MODELS = (("Claude Sonnet 4.5", "claude-sonnet-4.5"), ("Claude Opus 4.1", "claude-opus-4.1"))


def aider_co_author(rng: random.Random, dev: Person, subject: str) -> Made:
    model = rng.choice(AIDER_MODELS)
    line = f"Co-authored-by: aider ({model}) <aider@aider.chat>"
    return Made(_trailers(subject, line), dev, dev, f"aider:{model}")


def aider_co_author_noreply(rng: random.Random, dev: Person, subject: str) -> Made:
    model = rng.choice(AIDER_MODELS)
    line = f"Co-authored-by: aider ({model}) <noreply@aider.chat>"
    return Made(_trailers(subject, line), dev, dev, f"aider:{model}")


def aider_co_author_and_author(rng: random.Random, dev: Person, subject: str) -> Made:
    """--attribute-co-authored-by with --attribute-author given explicitly."""
    model = rng.choice(AIDER_MODELS)
    line = f"Co-authored-by: aider ({model}) <aider@aider.chat>"
    return Made(_trailers(subject, line), _named(dev, " (aider)"), dev, f"aider:{model}")


def aider_names(rng: random.Random, dev: Person, subject: str) -> Made:
    """Co-author attribution off: author and committer are "You (aider)"."""
    named = _named(dev, " (aider)")
    return Made(_trailers(subject), named, named, "aider")


def aider_subject_prefix(rng: random.Random, dev: Person, subject: str) -> Made:
    """aider before 0.39: its edits' subjects start with "aider: "."""
    return Made(_trailers("aider: " + subject), dev, dev, "aider")


def aider_dirty_commit(rng: random.Random, dev: Person, subject: str) -> Made:
    """aider commits the user's own uncommitted changes before editing: committer only."""
    return Made(_trailers(subject), dev, _named(dev, " (aider)"), None)


def claude_code(rng: random.Random, dev: Person, subject: str) -> Made:
    name, model = rng.choice(CLAUDE_MODELS)
    footer = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
    message = _trailers(subject, f"Co-Authored-By: {name} <noreply@anthropic.com>", body=footer)
    return Made(message, dev, dev, f"claude-code:{model}")


def claude_code_no_model(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(
        _trailers(subject, "Co-Authored-By: Claude <noreply@anthropic.com>"),
        dev,
        dev,
        "claude-code",
    )


def claude_code_session(rng: random.Random, dev: Person, subject: str) -> Made:
    session = "".join(rng.choice("0123456789abcdef") for _ in range(24))
    line = f"Claude-Session: https://claude.ai/code/session_{session}"
    return Made(_trailers(subject, line), dev, dev, "claude-code")


def copilot_cli(rng: random.Random, dev: Person, subject: str) -> Made:
    line = "Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>"
    return Made(_trailers(subject, line), dev, dev, "copilot")


def copilot_vscode(rng: random.Random, dev: Person, subject: str) -> Made:
    line = "Co-authored-by: Copilot <copilot@github.com>"
    return Made(_trailers(subject, line), dev, dev, "copilot")


def copilot_agent(rng: random.Random, dev: Person, subject: str) -> Made:
    """The coding agent commits as itself on its branch, crediting who asked."""
    line = f"Co-authored-by: {dev[0]} <{dev[1]}>"
    return Made(_trailers(subject, line), COPILOT_AGENT, GITHUB, "copilot")


def copilot_autofix(rng: random.Random, dev: Person, subject: str) -> Made:
    number = rng.randint(1, 400)
    line = (
        "Co-authored-by: Copilot Autofix powered by AI "
        "<62310815+github-advanced-security[bot]@users.noreply.github.com>"
    )
    message = _trailers(f"Potential fix for code scanning alert no. {number}: {subject}", line)
    return Made(message, dev, GITHUB, "copilot-autofix")


def cursor_agent(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(
        _trailers(subject, "Co-authored-by: Cursor <cursoragent@cursor.com>"), dev, dev, "cursor"
    )


def cursor_made_with(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(_trailers(subject, "Made-with: Cursor"), dev, dev, "cursor")


def codex(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(_trailers(subject, "Co-authored-by: Codex <noreply@openai.com>"), dev, dev, "codex")


def opencode(rng: random.Random, dev: Person, subject: str) -> Made:
    footer = "🤖 Generated with [opencode](https://opencode.ai)"
    message = _trailers(subject, "Co-Authored-By: opencode <noreply@opencode.ai>", body=footer)
    return Made(message, dev, dev, "opencode")


def amp(rng: random.Random, dev: Person, subject: str) -> Made:
    thread = f"T-{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}"
    lines = (
        f"Amp-Thread-ID: https://ampcode.com/threads/{thread}",
        "Co-authored-by: Amp <amp@ampcode.com>",
    )
    return Made(_trailers(subject, *lines), dev, dev, "amp")


def devin(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(_trailers(subject), DEVIN, DEVIN, "devin")


def jules(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(_trailers(subject), JULES, JULES, "jules")


def kernel_assisted_by(rng: random.Random, dev: Person, subject: str) -> Made:
    agent, model, tool = rng.choice(
        (("Claude", "claude-3-opus", "claude"), ("Cursor", "cursor-grok-4.5", "cursor"))
    )
    lines = (
        f"Assisted-by: {agent}:{model} coccinelle sparse",
        f"Signed-off-by: {dev[0]} <{dev[1]}>",
    )
    return Made(_trailers(subject, *lines), dev, dev, f"{tool}:{model}")


def assisted_by_tool_model(rng: random.Random, dev: Person, subject: str) -> Made:
    line = "Assisted-by: claude-code:claude-sonnet-5"
    return Made(_trailers(subject, line), dev, dev, "claude-code:claude-sonnet-5")


def apache_generated_by(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(_trailers(subject, "Generated-by: GitHub Copilot"), dev, dev, "github-copilot")


def openinfra_generated_by(rng: random.Random, dev: Person, subject: str) -> Made:
    lines = ("Generated-By: claude-code claude-opus-4-5", f"Signed-off-by: {dev[0]} <{dev[1]}>")
    return Made(_trailers(subject, *lines), dev, dev, "claude-code:claude-opus-4-5")


def openinfra_assisted_by(rng: random.Random, dev: Person, subject: str) -> Made:
    lines = ("Assisted-By: cursor claude-4-sonnet", "Change-Id: I" + f"{rng.getrandbits(160):040x}")
    return Made(_trailers(subject, *lines), dev, dev, "cursor:claude-4-sonnet")


def openliberty(rng: random.Random, dev: Person, subject: str) -> Made:
    line, attribution = rng.choice(
        (
            ("Co-authored-by-AI: IBM Bob 1.0.0 (Claude Sonnet 4.6)", "ibm-bob:claude-sonnet-4.6"),
            ("Co-authored-by-AI: GitHub Copilot (gpt-4.1)", "github-copilot:gpt-4.1"),
        )
    )
    return Made(_trailers(subject, line), dev, dev, attribution)


def human(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(_trailers(subject), dev, dev, None)


def human_with_trailers(rng: random.Random, dev: Person, subject: str) -> Made:
    """A person's commit whose trailers only look like a tool's."""
    line = rng.choice(
        (
            "Co-authored-by: Claude Monet <claude.monet@example.com>",
            "Co-authored-by: Copilot Jones <cj@example.com>",
            "Co-authored-by: Cursor Johnson <cursor.j@example.com>",
            "Co-authored-by: Grace Hopper <grace@example.com>",
            "Signed-off-by: Ada Lovelace <ada@example.com>",
            "Reviewed-by: Linus Dev <linus@example.com>",
        )
    )
    body = rng.choice(("Fix the cursor position after a paste.", "Ask claude later.", ""))
    return Made(_trailers(subject, line, body=body), dev, dev, None)


def web_edit(rng: random.Random, dev: Person, subject: str) -> Made:
    return Made(_trailers(subject), dev, GITHUB, None)


def stray_vscode_trailer(rng: random.Random, dev: Person, subject: str) -> Made:
    """VS Code adding its Copilot trailer to a commit nobody used Copilot for."""
    return Made(_trailers(subject, "Co-authored-by: Copilot <copilot@github.com>"), dev, dev, None)


AI_CONVENTIONS: dict[str, Convention] = {
    "aider co-author": aider_co_author,
    "aider co-author, noreply@ address": aider_co_author_noreply,
    "aider co-author and author name": aider_co_author_and_author,
    "aider (aider) names": aider_names,
    "aider subject prefix": aider_subject_prefix,
    "claude code": claude_code,
    "claude code, no model": claude_code_no_model,
    "claude code session": claude_code_session,
    "copilot cli": copilot_cli,
    "copilot vs code": copilot_vscode,
    "copilot coding agent": copilot_agent,
    "copilot autofix": copilot_autofix,
    "cursor agent": cursor_agent,
    "cursor made-with": cursor_made_with,
    "codex": codex,
    "opencode": opencode,
    "amp": amp,
    "devin": devin,
    "jules": jules,
    "kernel assisted-by": kernel_assisted_by,
    "assisted-by tool:model": assisted_by_tool_model,
    "apache generated-by": apache_generated_by,
    "openinfra generated-by": openinfra_generated_by,
    "openinfra assisted-by": openinfra_assisted_by,
    "openliberty co-authored-by-ai": openliberty,
}
HUMAN_CONVENTIONS: dict[str, Convention] = {
    "human": human,
    "human, look-alike trailers": human_with_trailers,
    "aider dirty-file commit": aider_dirty_commit,
    "web edit": web_edit,
}
# Conventions whose trailer the tool also writes without AI code: weak, inferred evidence.
WEAK_KINDS = ("copilot vs code",)
# Squashed branches: every commit of one made the same way (GitHub keeps their trailers).
SQUASHABLE = ("aider co-author", "claude code", "copilot coding agent", "cursor agent", "human")


# --- the generator -----------------------------------------------------------------------------


class _Builder:
    def __init__(self, seed: int, max_files: int) -> None:
        self.rng = random.Random(seed)
        self.max_files = max_files
        self.files: dict[str, list[Line]] = {}
        self.renamed: set[str] = set()
        self.commits: list[CommitTruth] = []
        self.chunks: list[bytes] = []
        self.mark = 0
        self.counter = 0
        self.pr = 0
        self.last_exact_path = ""

    # -- content --

    def new_lines(self, count: int, mark: int, ai: bool) -> list[Line]:
        out = []
        for _ in range(count):
            self.counter += 1
            value = self.rng.randint(0, 10**6)
            out.append(Line(f"value_{self.counter} = {value}  # {mark}", mark, ai))
        return out

    def pick_path(self) -> str:
        if not self.files or (len(self.files) < self.max_files and self.rng.random() < 0.2):
            index = len(self.files) + len(self.renamed)
            folder = self.rng.choice(("src", "src/core", "lib", "tools"))
            return f"{folder}/module_{index:02d}.py"
        return self.rng.choice(sorted(self.files))

    def edit(self, mark: int, ai: bool, touched: dict[str, None]) -> None:
        """Insert a few new lines into one file (maybe a new one), sometimes deleting some."""
        path = self.pick_path()
        lines = self.files.setdefault(path, [])
        if lines and self.rng.random() < 0.3:
            start = self.rng.randrange(len(lines))
            del lines[start : start + self.rng.randint(1, 3)]
        at = self.rng.randint(0, len(lines))
        lines[at:at] = self.new_lines(self.rng.randint(2, 9), mark, ai)
        touched[path] = None

    def rename(self, path: str | None = None) -> str | None:
        """Move a file (``path``, else one picked; a fast-import ``R`` command), or None
        when none can move."""
        candidates = [p for p in sorted(self.files) if len(self.files[p]) > 3]
        if path is not None:
            candidates = [path] if path in self.files else []
        if not candidates:
            return None
        old = self.rng.choice(candidates)
        new = old.replace("module_", "renamed_")
        if new == old:
            new = "moved/" + old
        if new in self.files:
            return None
        self.files[new] = self.files.pop(old)
        self.renamed.discard(old)
        self.renamed.add(new)
        return f"R {old} {new}\n"

    # -- commits --

    def emit(self, made: Made, touched: dict[str, None], extra: str = "") -> None:
        self.mark += 1
        when = START + 60 * self.mark
        message = made.message.encode("utf-8")
        head = (
            f"commit refs/heads/main\nmark :{self.mark}\n"
            f"author {made.author[0]} <{made.author[1]}> {when} +0000\n"
            f"committer {made.committer[0]} <{made.committer[1]}> {when} +0000\n"
        ).encode()
        self.chunks += [head, b"data %d\n" % len(message), message]
        if self.mark > 1:
            self.chunks.append(b"from :%d\n" % (self.mark - 1))
        self.chunks.append(extra.encode("utf-8"))
        for path in touched:
            data = "".join(line.text + "\n" for line in self.files[path]).encode("utf-8")
            self.chunks.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode())
            self.chunks += [data, b"\n"]

    def record(
        self, kind: str, made: Made, mark: int, touched: dict[str, None], exact: bool = False
    ) -> CommitTruth:
        truth = CommitTruth(
            mark,
            kind,
            made.message.split("\n", 1)[0],
            made.attribution is not None or exact,
            made.attribution,
            exact,
        )
        for path in touched:
            for number, line in enumerate(self.files[path], start=1):
                if line.mark == mark:
                    truth.added.setdefault(path, []).append(number)
                    if line.ai:
                        truth.ai_lines.setdefault(path, []).append(number)
        self.commits.append(truth)
        return truth

    def commit(self, kind: str, convention: Convention) -> None:
        dev = self.rng.choice(DEVS)
        mark = self.mark + 1
        made = convention(self.rng, dev, self.subject())
        touched: dict[str, None] = {}
        ai = made.attribution is not None
        # Renames: a person's, or an AI tool's that edits the moved file too.
        rename = ""
        if (kind == "human" and self.rng.random() < 0.1) or (ai and self.rng.random() < 0.1):
            rename = self.rename() or ""
        if rename and not ai:
            kind = "human rename"
            made = Made(_trailers(f"Rename {rename.split()[1]}"), dev, dev, None)
        for _ in range(self.rng.choice((1, 1, 2))):
            self.edit(mark, ai, touched)
        if rename:
            moved = rename.split()[2]
            touched = {moved: None, **touched}
            if ai and not any(line.mark == mark for line in self.files[moved]):
                lines = self.files[moved]
                at = self.rng.randint(0, len(lines))
                lines[at:at] = self.new_lines(2, mark, True)
        self.emit(made, touched, rename)
        self.record(kind, made, mark, touched)

    def exact_commit(self) -> None:
        """ownit's hooks: the AI lines claimed (AI-Unowned), the marker, human lines too."""
        dev = self.rng.choice(DEVS)
        mark = self.mark + 1
        path = self.pick_path()
        lines = self.files.setdefault(path, [])
        at = self.rng.randint(0, len(lines))
        block = self.new_lines(self.rng.randint(3, 8), mark, True)
        lines[at:at] = block
        human_at = self.rng.choice((0, len(lines)))
        lines[human_at:human_at] = self.new_lines(2, mark, False)
        first = next(i for i, line in enumerate(lines, start=1) if line is block[0])
        last = first + len(block) - 1
        tool = "claude-code:claude-sonnet-5"
        fp = fingerprint([line.text for line in block])
        message = _trailers(
            self.subject(),
            f"Assisted-by: {tool}",
            f"AI-Unowned: {path}:{first}-{last} {fp} {tool}",
            "AI-Lines: exact",
        )
        made = Made(message, dev, dev, tool)
        touched = {path: None}
        self.emit(made, touched)
        self.record("ownit exact", made, mark, touched, exact=True)
        self.last_exact_path = path

    def rename_commit(self, path: str) -> None:
        """A person's ``git mv`` of ``path`` alone (no line changes)."""
        rename = self.rename(path)
        if not rename:
            return
        dev = self.rng.choice(DEVS)
        mark = self.mark + 1
        made = Made(_trailers(f"Rename {rename.split()[1]}"), dev, dev, None)
        touched = {rename.split()[2]: None}
        self.emit(made, touched, rename)
        self.record("human rename", made, mark, touched)

    def squash(self, kind: str, parts: list[tuple[str, Convention, int]]) -> None:
        """A GitHub squash merge: the merger's commit, committed by GitHub, the squashed
        commits' messages concatenated (trailers included) and their changes in one."""
        merger = self.rng.choice(DEVS)
        mark = self.mark + 1
        self.pr += 1
        touched: dict[str, None] = {}
        pieces: list[str] = []
        co_authors: dict[str, None] = {}
        ai_parts: list[str | None] = []
        for _, convention, seed in parts:
            # One seed per kind of part: the squashed commits of one branch name the same
            # model, as one session of a tool does.
            made = convention(random.Random(seed), merger, self.subject())
            ai_parts.append(made.attribution)
            self.edit(mark, made.attribution is not None, touched)
            pieces.append("* " + made.message.strip())
            if made.author != merger:  # GitHub credits the squashed commits' authors
                co_authors[f"Co-authored-by: {made.author[0]} <{made.author[1]}>"] = None
        if co_authors:
            pieces.append("---------\n\n" + "\n".join(co_authors))
        title = f"{self.subject()} (#{self.pr})"
        attribution = next((a for a in ai_parts if a is not None), None)
        made = Made(title + "\n\n" + "\n\n".join(pieces) + "\n", merger, GITHUB, attribution)
        self.emit(made, touched)
        self.record(kind, made, mark, touched)

    def subject(self) -> str:
        verb = self.rng.choice(("Add", "Fix", "Update", "Refactor", "Handle", "Speed up"))
        noun = self.rng.choice(
            ("the parser", "retries", "the cache", "logging", "the CLI", "tests")
        )
        return f"{verb} {noun}"


def generate(
    seed: int = 12,
    commits: int = 160,
    *,
    mixed_squashes: bool = False,
    stray_vscode_trailers: bool = False,
) -> History:
    """About ``commits`` commits (more when the conventions need more): each AI convention
    at least twice (once per 80 commits in longer histories), humans in between, renames,
    squash merges and ownit exact commits; see the module docstring."""
    builder = _Builder(seed, max_files=max(14, commits // 10))
    each = max(2, commits // 80)  # how often each AI convention appears
    kinds: list[str] = [kind for kind in AI_CONVENTIONS for _ in range(each)]
    kinds += ["squash"] * (3 * each) + ["ownit exact"] * (each + 1)
    kinds += ["ownit exact, then renamed"] * each
    kinds += ["aider dirty-file commit"] * (2 * each) + ["web edit"] * each
    kinds += ["human, look-alike trailers"] * (3 * each)
    if mixed_squashes:
        kinds += ["mixed squash"] * 4
    if stray_vscode_trailers:
        kinds += ["stray vs code trailer"] * 4
    kinds += ["human"] * max(0, commits - len(kinds))
    builder.rng.shuffle(kinds)
    kinds.insert(0, "human")  # the first commit creates a file by hand
    everything = {
        **AI_CONVENTIONS,
        **HUMAN_CONVENTIONS,
        "stray vs code trailer": stray_vscode_trailer,
    }
    for kind in kinds:
        if kind == "squash":
            what = builder.rng.choice(SQUASHABLE)
            convention = everything[what]
            count = builder.rng.randint(2, 3)
            seed = builder.rng.getrandbits(32)
            builder.squash(f"squash of {what}", [(what, convention, seed)] * count)
        elif kind == "mixed squash":
            what = builder.rng.choice(SQUASHABLE[:-1])
            parts = [(what, everything[what], 1), ("human", human, 2)]
            builder.squash("mixed squash", parts)
        elif kind == "ownit exact":
            builder.exact_commit()
        elif kind == "ownit exact, then renamed":
            builder.exact_commit()
            builder.rename_commit(builder.last_exact_path)
        else:
            builder.commit(kind, everything[kind])
    tip = {
        path: [TipLine(line.mark, line.ai, _attribution(builder, line)) for line in lines]
        for path, lines in builder.files.items()
        if lines
    }
    return History(b"".join(builder.chunks), builder.commits, tip, set(builder.renamed) & set(tip))


def _attribution(builder: _Builder, line: Line) -> str | None:
    if not line.ai:
        return None
    return builder.commits[line.mark - 1].attribution
