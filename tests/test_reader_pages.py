"""What a reader meets on the built chapter pages (issue: the static book reads as a textbook).

* no scaffolding outside collapsed elements: no ``assert`` lines, no grader calls, no solution
  markers, no "open JupyterLab" widget notes; every solution is collapsed by default;
* one term per concept (``book/terms.yml``, ``book/STYLE.md``): a banned variant in the rendered
  prose fails, unless the text around it is quoted verbatim from the seed chapter.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT

SEED = ROOT.parent / "shared" / "seed" / "000_39fa89dfb45df91e.txt"
TERMS = ROOT / "book" / "terms.yml"
SCAFFOLDING = {
    "assertion line": re.compile(r"^\s*assert\b", re.M),
    "grader call": re.compile(r"\bcheck\(\s*[\"']"),
    "solution marker": re.compile(r"### (BEGIN|END) SOLUTION"),
    "widget note": re.compile(r"需要运行中的内核|在 JupyterLab 中打开|open in JupyterLab"),
}
CONTEXT = 6          # characters either side of a term hit compared with the seed


def chapter_pages(html: Path) -> list[Path]:
    return sorted((html / "book").rglob("*.html"))


def _main(page: Path) -> BeautifulSoup:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one("article.bd-article") or soup.find("main") or soup.body
    # scripts, and the theme's navigation (prev/next links, in-page table of contents), which
    # repeat other pages' titles out of context
    for tag in main.find_all(["script", "style", "nav"]):
        tag.decompose()
    for tag in main.select(".prev-next-area, .bd-toc, .header-article, .headerlink"):
        tag.decompose()
    return main


def visible_text(main: BeautifulSoup) -> str:
    """Text outside collapsed elements (<details>, toggled dropdowns)."""
    for tag in main.find_all("details"):
        tag.decompose()
    for tag in main.select(".toggle-hidden, .dropdown, .hide-cell"):
        tag.decompose()
    return main.get_text("\n")


def prose_text(main: BeautifulSoup) -> str:
    """Rendered prose: everything but code and figures."""
    for tag in main.find_all(["pre", "code", "kbd", "samp"]):
        tag.decompose()
    for tag in main.select(".plotly-graph-div, .cell_output .output"):
        tag.decompose()
    return main.get_text(" ")


def scaffolding_found(text: str) -> dict[str, list[str]]:
    found = {}
    for what, pattern in SCAFFOLDING.items():
        hits = [m.group(0) for m in pattern.finditer(text)]
        if hits:
            found[what] = hits
    return found


def _squash(text: str) -> str:
    """Without white space and markdown emphasis, so *ApiServer* in the seed matches ApiServer."""
    return re.sub(r"[\s*`]+", "", text)


def banned_terms(text: str, seed: str, rules: list[dict]) -> list[str]:
    """Banned variants in ``text`` whose surroundings are not seed quotation."""
    squashed_seed = _squash(seed)
    flat = re.sub(r"\s+", " ", text)
    problems = []
    for rule in rules:
        for m in re.finditer(rule["pattern"], flat):
            around = _squash(flat[max(0, m.start() - CONTEXT): m.end() + CONTEXT])
            if around in squashed_seed:
                continue
            problems.append(f"“{flat[max(0, m.start() - 12): m.end() + 12]}”：用“{rule['use']}”")
    return problems


def _rules() -> list[dict]:
    return yaml.safe_load(TERMS.read_text(encoding="utf-8"))["banned"]


# --- the checks can fail --------------------------------------------------------------------

def test_scaffolding_detector_catches_each_kind() -> None:
    text = "x = 1\nassert x == 1\ncheck(\"n1.a\", x)\n### BEGIN SOLUTION\n需要运行中的内核"
    assert set(scaffolding_found(text)) == set(SCAFFOLDING)
    assert scaffolding_found("断言之外的正文：check the box; assertive") == {}


def test_term_checker_flags_variants_but_exempts_seed_quotes() -> None:
    seed = "Control Panel节点上部署了 ApiServer。"
    rules = _rules()
    assert banned_terms("本节的控制面组件与命名空间", seed, rules)
    assert banned_terms("Control Panel节点上部署了 ApiServer。", seed, rules) == []
    assert banned_terms("控制平面组件与名字空间，kube-apiserver 与控制面板", seed, rules) == []


# --- the built pages ------------------------------------------------------------------------

@pytest.mark.build
def test_no_scaffolding_outside_collapsed_elements(built_book: Path) -> None:
    problems = {}
    for page in chapter_pages(built_book):
        found = scaffolding_found(visible_text(_main(page)))
        if found:
            problems[page.relative_to(built_book).as_posix()] = found
    assert not problems, problems


@pytest.mark.build
def test_solutions_are_collapsed(built_book: Path) -> None:
    for page in chapter_pages(built_book):
        main = _main(page)
        for marker in main.find_all(string=SCAFFOLDING["solution marker"]):
            details = marker.find_parent("details")
            assert details is not None and not details.has_attr("open"), \
                f"{page.name}: a solution is shown without being asked for"


@pytest.mark.build
def test_one_term_per_concept(built_book: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    rules = _rules()
    problems = {}
    for page in chapter_pages(built_book):
        hits = banned_terms(prose_text(_main(page)), seed, rules)
        if hits:
            problems[page.relative_to(built_book).as_posix()] = hits
    assert not problems, "\n".join(f"{p}: {h}" for p, hs in problems.items() for h in hs)


#: Where a reader meets Kubernetes docs links: the pages, the labs and the exercise/lab messages.
_LINK_SOURCES = ("book", "labs", "hakit/exercises", "hakit/lab")
_K8S_DOCS = re.compile(r"https://(v\d+-\d+\.docs\.)?kubernetes\.io/(?:zh-cn/)?docs/")


def k8s_docs_hosts(text: str) -> set[str]:
    """The Kubernetes docs sites ``text`` links to: "https://kubernetes.io" for the unversioned
    (newest-minor) site, "https://vX-Y.docs.kubernetes.io" for an archive."""
    return {m.group(0).split("/docs/")[0].removesuffix("/zh-cn") for m in _K8S_DOCS.finditer(text)}


def test_docs_link_detector_tells_versions_apart() -> None:
    text = "[a](https://kubernetes.io/docs/x) [b](https://v1-35.docs.kubernetes.io/zh-cn/docs/y)"
    assert k8s_docs_hosts(text) == {"https://kubernetes.io", "https://v1-35.docs.kubernetes.io"}


def test_kubernetes_docs_links_are_versioned() -> None:
    """kubernetes.io documents the newest minor, which is not the one the course targets: every
    Kubernetes docs link goes to the archive of ``hakit.versions.KUBERNETES_MINOR``."""
    from hakit import versions

    bad = []
    for root in _LINK_SOURCES:
        for f in sorted((ROOT / root).rglob("*")):
            if f.is_file() and f.suffix in {".md", ".ipynb", ".py", ".yaml", ".yml"}:
                other = k8s_docs_hosts(f.read_text(encoding="utf-8")) - {versions.KUBERNETES_DOCS}
                bad += [f"{f.relative_to(ROOT)}: {h}" for h in sorted(other)]
    assert not bad, f"Kubernetes 文档链接应指向 {versions.KUBERNETES_DOCS}：\n" + "\n".join(bad)
