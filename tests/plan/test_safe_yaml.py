"""Every YAML file crimeplan reads (plans, crime-extract mappings) within limits: alias bombs,
loops, deep nesting and huge files are refused in one line naming the file and line, before
anything the size of the expansion is built; a plan within the limits reads as before."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimeplan.errors import CrimeplanError
from crimeplan.plan.safe_yaml import MAX_ALIASES, MAX_BYTES, MAX_DEPTH, MAX_NODES, load
from tests.support.hostile import refused

REPO = Path(__file__).parents[2]
SOURCES = REPO / "tests" / "fixtures" / "sources"
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def bomb(levels: int, fanout: int) -> str:
    """The "billion laughs": each level a list of ``fanout`` aliases of the level below."""
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * fanout) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * fanout) + "]")
    return "\n".join(lines) + "\n"


def nested(depth: int, key: str = "title") -> str:
    return f"{key}: " + "[" * depth + "]" * depth + "\n"


def commands(path: Path, tmp_path: Path) -> list[list[str]]:
    """Every command that reads ``path`` as a plan or as a mapping."""
    return [
        ["plan", "check", str(path)],
        [
            "import",
            "crimes",
            str(SOURCES / "crimes-2013-04.csv"),
            "--mapping",
            str(path),
            "--store",
            str(tmp_path / "store.duckdb"),
        ],
    ]


def assert_refused_fast(path: Path, tmp_path: Path, *wanted: str) -> None:
    for args in commands(path, tmp_path):
        started = time.perf_counter()
        message = refused(args)
        assert time.perf_counter() - started < 5, args
        assert all(text in message for text in wanted), message
        assert not (tmp_path / "store.duckdb").exists()  # a bad mapping changes nothing


@SETTINGS
@given(levels=st.integers(4, 12), fanout=st.integers(8, 12))
def test_an_alias_bomb_is_refused_at_its_line(levels: int, fanout: int, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb(levels, fanout), encoding="utf-8")
    assert path.stat().st_size < 2_000
    expanded = sum(fanout**level for level in range(1, levels + 1))
    if expanded <= MAX_NODES:  # small enough: read (and refused as a plan for other reasons)
        return
    assert_refused_fast(path, tmp_path, f"{path}:", f"more than {MAX_NODES:,} values")


def test_too_many_aliases(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n")
    assert_refused_fast(path, tmp_path, f"{path}:2:", f"more than {MAX_ALIASES:,} aliases")


def test_an_alias_inside_its_own_value_is_a_loop(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("title: x\nboard: &a [1, [2, *a]]\n")
    assert_refused_fast(path, tmp_path, f"{path}:2:", "alias *a is inside the value it names")


@SETTINGS
@given(depth=st.sampled_from([MAX_DEPTH, 100, 500, 20_000]))
def test_deep_nesting_is_refused_without_recursion(depth: int, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(nested(depth), encoding="utf-8")
    assert_refused_fast(path, tmp_path, f"{path}:1:", f"nested more than {MAX_DEPTH} levels")


def test_deep_block_nesting_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + f"{'  ' * 200}v\n")
    assert_refused_fast(path, tmp_path, f"{path}:{MAX_DEPTH}:", "nested more than")


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("title: " + "x" * MAX_BYTES + "\n", encoding="utf-8")
    assert_refused_fast(path, tmp_path, f"{path}: the", f"at most {MAX_BYTES:,} bytes")


def test_just_within_the_limits_reads() -> None:
    text = nested(MAX_DEPTH - 1)
    node, data = load(text, "ok.yaml")
    assert node is not None and data["title"] is not None
    with pytest.raises(CrimeplanError, match="nested more than"):
        load(nested(MAX_DEPTH), "deep.yaml")


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=3), children, max_size=4)
        ),
        max_leaves=40,
    )
)
def test_ordinary_documents_read_as_pyyaml_reads_them(document: object) -> None:
    text = yaml.safe_dump(document)
    assert load(text, "any.yaml")[1] == yaml.safe_load(text)


def test_the_shipped_plans_are_far_within_the_limits() -> None:
    from crimeplan.data.extract import load_mapping
    from crimeplan.plan import load_plan

    for path in [*REPO.glob("crimeplan/plan/builtin/*.yaml"), *REPO.glob("examples/*-plan.yaml")]:
        assert load_plan(path).title
    for path in REPO.glob("examples/*-mapping.yaml"):  # the column mappings
        assert load_mapping(path)
