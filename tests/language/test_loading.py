"""Claim files: YAML through a safe loader, Python claim modules, errors with file and line."""

from __future__ import annotations

import codecs
import os
import textwrap
from pathlib import Path

import pytest
import sympy

from derive.errors import ClaimError, Location
from derive.language.loading import CLAIM_KEYS, load_claims
from derive.language.parsing import prepare
from derive.model import Claim, Expect, Relation

GOOD = """\
# A comment line
claims:
  - id: gan.sigmoid.log_one_minus
    statement: d/da log(1 - σ(a)) = -σ(a)
    symbols: {a: real}
    lhs: diff(log(1 - sigmoid(a)), a)
    rhs: -sigmoid(a)
    relation: "=="
    expect: holds
    source: "homework, problem 5, part 2a"
    tags: [gan, sigmoid]

  - id: reparam.second_moment
    symbols: {mu: real, sigma: positive}
    random: {eps: "Normal(0, 1)"}
    lhs: E((mu + sigma*eps)**2)
    rhs: mu**2 + sigma**2
    timeout: 2.5
    tolerance: 0.01

  - id: numbers.exact
    lhs: 0.1 + 0.2
    rhs: 0.3000000000000000000001
    relation: "<="
  - id: wrong.step
    lhs: x
    rhs: x + 1
    expect: fails
    reason: off by one
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_file_loads_every_field(tmp_path):
    path = write(tmp_path, "good.yaml", GOOD)
    claims, errors = load_claims(path)
    assert errors == []
    assert [c.id for c in claims] == [
        "gan.sigmoid.log_one_minus",
        "reparam.second_moment",
        "numbers.exact",
        "wrong.step",
    ]
    first, second, third, fourth = claims
    assert first.lhs == "diff(log(1 - sigmoid(a)), a)"
    assert first.symbols == (("a", "real"),)
    assert first.tags == ("gan", "sigmoid")
    assert first.source == "homework, problem 5, part 2a"
    assert first.statement == "d/da log(1 - σ(a)) = -σ(a)"
    assert first.where == Location(str(path), 3)
    assert second.random == (("eps", "Normal(0, 1)"),)
    assert second.timeout == 2.5 and second.tolerance == 0.01
    assert second.where.line == 13
    # YAML numbers keep the text the author wrote: no binary float in between.
    assert third.lhs == "0.1 + 0.2"
    assert third.rhs == "0.3000000000000000000001"
    assert third.relation is Relation.LE
    assert fourth.expect is Expect.FAILS and fourth.reason == "off by one"
    assert fourth.where.line == 25


def test_loaded_claims_prepare(tmp_path):
    claims, _ = load_claims(write(tmp_path, "good.yaml", GOOD))
    problem = prepare(claims[2])
    assert problem.rhs == sympy.Rational(3000000000000000000001, 10**22)


def test_typo_in_a_key_gets_a_suggestion(tmp_path):
    path = write(tmp_path, "t.yaml", "claims:\n  - {id: t, lsh: x, rhs: x}\n")
    (err,) = load_claims(path)[1]
    assert err.message.startswith("unknown key 'lsh'; did you mean 'lhs'? valid keys are: id, statement")


def test_multiline_expressions(tmp_path):
    text = """\
    claims:
      - id: m
        lhs: |
          diff(log(1 - sigmoid(a)),
               a)
        rhs: >-
          -sigmoid(a)
    """
    (claim,), errors = load_claims(write(tmp_path, "m.yaml", text))
    assert errors == []
    problem = prepare(claim)
    assert problem.lhs == problem.rhs


def test_yaml_numbers_as_sides(tmp_path):
    path = write(tmp_path, "n.yaml", "claims:\n  - {id: n, lhs: 0.5, rhs: 1}\n")
    (claim,), errors = load_claims(path)
    assert errors == []
    assert (claim.lhs, claim.rhs) == ("0.5", "1")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("lhs: x\n    rhs: x\n    lhs_latex: x", "unknown key 'lhs_latex'; valid keys are: " + ", ".join(CLAIM_KEYS)),
        ("rhs: x", "missing required key 'lhs'"),
        ("lhs: x", "missing required key 'rhs'"),
        ("lhs: x\n    rhs: x\n    symbols: {x: postive}", "unknown symbol kind 'postive'"),
        ("lhs: x\n    rhs: x\n    symbols: {_x: real}", "names starting with '_' are reserved"),
        ("lhs: x\n    rhs: x\n    symbols: [x]", "'symbols' must be a mapping"),
        ("lhs: x\n    rhs: x\n    random: {eps: 3}", "must be text such as 'Normal(0, 1)'"),
        ("lhs: x\n    rhs: x\n    expect: maybe", "'expect' must be 'holds' or 'fails'"),
        ("lhs: x\n    rhs: x\n    expect: fails", "needs a `reason:`"),
        ("lhs: x\n    rhs: x\n    relation: '=<'", "unknown relation '=<'"),
        ("lhs: x\n    rhs: x\n    tags: [1, 2]", "'tags' must be a list of text"),
        ("lhs: x\n    rhs: x\n    timeout: -1", "'timeout' must be a positive number"),
        ("lhs: x\n    rhs: x\n    timeout: soon", "'timeout' must be a positive number"),
        ("lhs: x\n    rhs: x\n    tolerance: 0", "'tolerance' must be a positive number"),
        ("lhs: [x]\n    rhs: x", "'lhs' must be an expression written as text"),
        ("lhs: ''\n    rhs: x", "'lhs' is empty"),
        ("lhs: x\n    rhs: x\n    statement: [a]", "'statement' must be text"),
        ("lhs: x\n    lhs: y\n    rhs: x", "duplicate key 'lhs'"),
    ],
)
def test_each_bad_claim_is_one_error_and_the_others_load(tmp_path, body, message):
    before = "claims:\n  - id: ok.before\n    lhs: x\n    rhs: x\n"
    text = before + f"  - id: bad\n    {body}\n  - id: ok.after\n    lhs: y\n    rhs: y\n"
    claims, errors = load_claims(write(tmp_path, "c.yaml", text))
    if "duplicate key" in message:  # a malformed mapping makes the whole file unreadable
        assert claims == []
        assert len(errors) == 1 and message in errors[0].message
        return
    assert [c.id for c in claims] == ["ok.before", "ok.after"]
    assert len(errors) == 1
    err = errors[0]
    assert isinstance(err, ClaimError)
    assert message in err.message
    assert err.claim_id == "bad"
    assert err.where == Location(str(tmp_path / "c.yaml"), 5)
    assert str(err).startswith(f"{tmp_path / 'c.yaml'}:5: claim 'bad': ")


@pytest.mark.parametrize("claim_id", ["two words", "tab\\there", "x" * 201])
def test_ids_are_single_words(tmp_path, claim_id):
    path = write(tmp_path, "i.yaml", f'claims:\n  - {{id: "{claim_id}", lhs: x, rhs: x}}\n')
    claims, errors = load_claims(path)
    assert claims == []
    assert "'id' must be one word" in errors[0].message


def test_missing_id_and_non_mapping_items(tmp_path):
    text = "claims:\n  - lhs: x\n    rhs: x\n  - just text\n  - id: 3\n    lhs: x\n    rhs: x\n"
    claims, errors = load_claims(write(tmp_path, "c.yaml", text))
    assert claims == []
    assert [e.message for e in errors] == [
        "missing required key 'id'",
        "claim #2 must be a mapping with id, lhs and rhs, not 'just text'",
        "'id' must be non-empty text, not '3'",
    ]
    assert errors[0].where.line == 2


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("- id: x\n", "a claim file is a mapping with a top-level `claims:` list", 1),
        ("", "a claim file is a mapping with a top-level `claims:` list", 1),
        ("claim:\n  - id: x\n", "a claim file is a mapping with a top-level `claims:` list", 1),
        ("claims: []\nextra: 1\n", "unknown top-level key 'extra'", 1),
        ("claims: {id: x}\n", "`claims:` must be a list", 1),
        ("claims:\n  - id: x\n    lhs: [unclosed\n", "invalid YAML", None),
        ("defaults: {lhs: x}\nclaims: []\n", "`defaults:` cannot set 'lhs'", 1),
        ("claims:\n  - !!python/object/apply:os.system ['touch /tmp/pwned']\n", "unsupported YAML tag", 2),
        ("claims:\n  - !!python/object:derive.model.Claim {id: x}\n", "unsupported YAML tag '!!python/object", 2),
        ("claims:\n  - id: !!binary aGVsbG8=\n", "'id' must be non-empty text", 2),
    ],
)
def test_bad_files(tmp_path, text, message, line):
    Path("/tmp/pwned").unlink(missing_ok=True)
    path = write(tmp_path, "bad.yaml", text)
    claims, errors = load_claims(path)
    assert claims == []
    assert len(errors) == 1
    assert message in errors[0].message
    assert errors[0].where.file == str(path)
    if line is not None:
        assert errors[0].where.line == line
    assert not Path("/tmp/pwned").exists()


def test_python_tag_is_named(tmp_path):
    path = write(tmp_path, "bad.yaml", "claims:\n  - !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    (err,) = load_claims(path)[1]
    assert "'!!python/object/apply:os.system'" in err.message


def test_defaults_are_merged(tmp_path):
    text = """\
    defaults:
      symbols: {a: positive, b: real}
      tags: [shared]
      source: the book
      timeout: 3
    claims:
      - id: one
        lhs: a
        rhs: a
      - id: two
        symbols: {b: negative}
        tags: [own]
        source: chapter 2
        lhs: b
        rhs: b
    """
    one, two = load_claims(write(tmp_path, "d.yaml", text))[0]
    assert one.symbols == (("a", "positive"), ("b", "real"))
    assert one.tags == ("shared",) and one.source == "the book" and one.timeout == 3.0
    assert two.symbols == (("a", "positive"), ("b", "negative"))
    assert two.tags == ("shared", "own") and two.source == "chapter 2"


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, "a.yaml", "claims:\n  - {id: same, lhs: x, rhs: x}\n")
    write(tmp_path, "b.yaml", "claims:\n  - {id: other, lhs: x, rhs: x}\n  - {id: same, lhs: y, rhs: y}\n")
    claims, errors = load_claims(tmp_path)
    assert [c.id for c in claims] == ["same", "other"]
    assert len(errors) == 1
    assert errors[0].claim_id == "same"
    assert errors[0].where == Location(str(tmp_path / "b.yaml"), 3)
    assert f"first defined at {tmp_path / 'a.yaml'}:2" in errors[0].message


def test_folders_recurse_in_sorted_order_and_skip_hidden(tmp_path):
    write(tmp_path, "z.yaml", "claims:\n  - {id: z, lhs: x, rhs: x}\n")
    write(tmp_path, "a/b.yml", "claims:\n  - {id: ab, lhs: x, rhs: x}\n")
    write(tmp_path, "a.yaml", "claims:\n  - {id: a, lhs: x, rhs: x}\n")
    write(tmp_path, ".hidden/h.yaml", "claims:\n  - {id: hidden, lhs: x, rhs: x}\n")
    write(tmp_path, "README.yaml", "not: claims\n")
    write(tmp_path, "notes.txt", "ignored")
    claims, errors = load_claims([tmp_path])
    assert errors == []
    assert [c.id for c in claims] == ["ab", "a", "z"]  # a/b.yml sorts before a.yaml


def test_missing_paths_and_wrong_types(tmp_path):
    claims, errors = load_claims([tmp_path / "nope.yaml", write(tmp_path, "x.txt", "")])
    assert claims == []
    assert [e.message for e in errors] == ["no such file or directory", "not a claim file (expected .yaml, .yml, .py)"]


def test_same_file_twice_loads_once(tmp_path):
    path = write(tmp_path, "a.yaml", "claims:\n  - {id: a, lhs: x, rhs: x}\n")
    claims, errors = load_claims([path, tmp_path])
    assert [c.id for c in claims] == ["a"] and errors == []


PY_MODULE = """\
import sympy
from derive import Claim

a = sympy.Symbol("a", real=True)

CLAIMS = [
    Claim(
        id="py.sigmoid",
        lhs=sympy.diff(sympy.log(1 + sympy.exp(a)), a),
        rhs="sigmoid(a)",
    ),
    Claim(id="py.second", lhs="x", rhs="x", tags=["py"]),
]
"""


def test_python_claim_module(tmp_path):
    path = write(tmp_path, "claims_py.py", PY_MODULE)
    claims, errors = load_claims(path)
    assert errors == []
    assert [c.id for c in claims] == ["py.sigmoid", "py.second"]
    assert claims[0].where == Location(str(path), 8)
    assert isinstance(claims[0].lhs, sympy.Expr)
    problem = prepare(claims[0])
    assert sympy.simplify((problem.lhs - problem.rhs).rewrite(sympy.exp)) == 0


def test_python_module_without_claims_list_collects_claim_attributes(tmp_path):
    path = write(tmp_path, "m.py", "from derive import Claim\nfirst = Claim(id='m.1', lhs='x', rhs='x')\nhelper = 3\n")
    claims, errors = load_claims(path)
    assert [c.id for c in claims] == ["m.1"] and errors == []


def test_python_module_errors(tmp_path):
    broken = write(tmp_path, "broken.py", "x = 1\nraise RuntimeError('boom')\n")
    bad_list = write(tmp_path, "badlist.py", "CLAIMS = [1]\n")
    syntax = write(tmp_path, "syntax.py", "def (:\n")
    claims, errors = load_claims([broken, bad_list, syntax])
    assert claims == []
    messages = [e.message for e in errors]
    assert messages[0] == "error while importing claim module: RuntimeError: boom"
    assert errors[0].where == Location(str(broken), 2)
    assert "not a derive.Claim" in messages[1]
    assert messages[2].startswith("error while importing claim module: SyntaxError")
    assert errors[2].where.line == 1


def test_python_modules_can_be_refused(tmp_path):
    path = write(tmp_path, "claims_py.py", "open('/tmp/pwned', 'w').close()\n")
    Path("/tmp/pwned").unlink(missing_ok=True)
    claims, errors = load_claims(tmp_path, python=False)
    assert errors[0].where.file == str(path)
    assert claims == []
    assert "Python claim modules are not loaded here" in errors[0].message
    assert not Path("/tmp/pwned").exists()


def test_many_claims_in_one_file(tmp_path):
    lines = ["claims:"] + [f"  - {{id: c{i}, lhs: x + {i}, rhs: {i} + x}}" for i in range(5000)]
    claims, errors = load_claims(write(tmp_path, "big.yaml", "\n".join(lines) + "\n"))
    assert errors == []
    assert len(claims) == 5000
    assert claims[-1].where.line == 5001
    assert isinstance(claims[0], Claim)


def test_alias_bombs_stay_small(tmp_path):
    # "Billion laughs": ten levels of nine aliases stand for 9**9 strings in a few lines;
    # the error message must describe the value, not print it.
    levels = ["&a0 [lol]"] + [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = f"claims:\n  - id: bomb\n    lhs: x\n    rhs: x\n    statement: [{', '.join(levels)}]\n"
    claims, errors = load_claims(write(tmp_path, "laughs.yaml", text))
    assert claims == []
    assert errors[0].message == "'statement' must be text, not a list"


# ---------------------------------------------------------------------------------------
# Issue 18: paths that are not files are named, never waited on or read twice.

ONE = "claims:\n  - {id: a, lhs: x, rhs: x}\n"


def test_a_fifo_is_named_not_called_missing_and_never_opened(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it would block until a writer came
    inside = tmp_path / "folder"
    inside.mkdir()
    os.mkfifo(inside / "inner.yaml")
    (inside / "good.yaml").write_text(ONE, encoding="utf-8")
    claims, errors = load_claims([fifo, inside])
    assert [c.id for c in claims] == ["a"]
    assert sorted((str(e.where), e.message) for e in errors) == [
        (str(inside / "inner.yaml"), "a FIFO (named pipe), not a file; derive reads regular files only"),
        (str(fifo), "a FIFO (named pipe), not a file; derive reads regular files only"),
    ]


def test_symbolic_links_and_loops_read_each_file_once(tmp_path):
    folder = tmp_path / "claims"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.yaml").write_text(ONE, encoding="utf-8")
    (folder / "sub" / "up").symlink_to("..")  # a directory loop
    (folder / "b.yaml").symlink_to("a.yaml")  # the same file under another name
    (folder / "loop.yaml").symlink_to("loop.yaml")  # a link to itself
    (folder / "dangling.yaml").symlink_to("nowhere.yaml")
    claims, errors = load_claims([folder, folder / "a.yaml", tmp_path / "claims" / "sub" / "up" / "a.yaml"])
    assert [c.id for c in claims] == ["a"]
    assert sorted((Path(str(e.where)).name, e.message) for e in errors) == [
        ("dangling.yaml", "broken symbolic link"),
        ("loop.yaml", "symbolic link loop"),
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_a_claim_file_with_a_byte_order_mark_is_read(tmp_path, encoding):
    (tmp_path / "c.yaml").write_bytes(ONE.encode(encoding))
    claims, errors = load_claims([tmp_path / "c.yaml"])
    assert [c.id for c in claims] == ["a"] and errors == []


def test_a_byte_order_mark_that_lies_is_named(tmp_path):
    (tmp_path / "c.yaml").write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00")
    claims, [error] = load_claims([tmp_path / "c.yaml"])
    assert claims == []
    assert error.message.startswith("claim file starts with a UTF-16 byte-order mark but is not UTF-16 text")
