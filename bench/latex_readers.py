"""Compare LaTeX readers on the seed homework's step sides and on ML-notation probes.

The figures in the README's "Why derive has its own LaTeX reader" come from this script.
First, with derive installed, write the seed's step sides to a JSON file:

    .venv/bin/python bench/latex_readers.py dump ../shared/seeds/000_c9ed6ca5ac52d457.txt /tmp/seed_sides.json

then, in a virtual environment holding one reader (derive's, latex2sympy2==1.9.1 or
latex2sympy2-extended==1.11.0; neither is a dependency of derive):

    python bench/latex_readers.py {ours|l2s2|l2s2x} {all|seed|probes} /tmp/seed_sides.json

It prints one JSON object: sides read without an exception, median time per fragment, and
which of the fourteen notation probes came out with the right meaning.

On the real-document corpus (bench/corpus): ``python bench/latex_readers.py dumpcorpus /tmp/corpus.json``
with derive's environment, then ``python bench/latex_readers.py {l2s2|l2s2x} corpus /tmp/corpus.json``
in the reader's: every judged equality is read by that reader alone and decided as a checker
built on it would (accept when sympy simplifies lhs - rhs to 0, refute when it differs at three
random points, else undecided), and scored against the hand judgement like bench/realworld.py.
"""

import json
import signal
import sys
import time
from pathlib import Path

import sympy

if sys.argv[1] == "dump":
    from derive.latex import read_document

    doc = read_document(Path(sys.argv[2]).read_text(encoding="utf-8"))
    sides = sorted({t for s in doc.steps for t in (s.lhs_tex, s.rhs_tex) if t})
    Path(sys.argv[3]).write_text(json.dumps(sides, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(sides)} distinct sides written to {sys.argv[3]}")
    sys.exit(0)

if sys.argv[1] == "dumpcorpus":
    # The judged steps of bench/corpus (true or false; "unclear" ones are not scored), as JSON.
    import yaml

    root = Path(__file__).resolve().parent / "corpus"
    steps = []
    for judged in sorted(root.glob("*/judged.yaml")):
        for step in yaml.safe_load(judged.read_text(encoding="utf-8")).get("steps") or []:
            if step.get("holds") in (True, False) and step.get("rel", "=") == "=":
                entry = {"lhs": step["lhs"], "rhs": step["rhs"], "holds": step["holds"]}
                steps.append({"doc": judged.parent.name, **entry})
    Path(sys.argv[2]).write_text(json.dumps(steps, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(steps)} judged equalities written to {sys.argv[2]}")
    sys.exit(0)

which = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "all"
if which == "ours":
    from derive.language.symbols import SymbolTable
    from derive.latex.parser import parse_latex

    def parse(tex, symbols=None):
        return parse_latex(tex, SymbolTable(symbols or {}))
elif which == "l2s2":
    from latex2sympy2 import latex2sympy

    def parse(tex, symbols=None):
        return latex2sympy(tex)
else:
    from latex2sympy2_extended import latex2sympy

    def parse(tex, symbols=None):
        return latex2sympy(tex)


class FragmentTimeoutError(Exception):
    pass


def _alarm(*_):
    raise FragmentTimeoutError()


signal.signal(signal.SIGALRM, _alarm)


def attempt(tex, symbols=None):
    signal.alarm(5)
    t = time.perf_counter()
    try:
        v = parse(tex, symbols)
        ok, out = True, v
    except FragmentTimeoutError:
        ok, out = False, "timeout"
    except BaseException as e:
        ok, out = False, f"{type(e).__name__}: {str(e)[:80]}"
    finally:
        signal.alarm(0)
    return ok, out, time.perf_counter() - t


def _decide(lhs, rhs):
    """What a checker built on this reader alone would say: accept when sympy simplifies the
    difference to 0, refute when it differs at three random points, else undecided."""
    import random  # noqa: PLC0415 - only the corpus mode draws points

    signal.alarm(10)
    try:
        if sympy.simplify(lhs - rhs) == 0:
            return "accept"
        rng = random.Random(0)
        free = sorted((lhs - rhs).free_symbols, key=str)
        gaps = []
        for _ in range(3):
            point = {v: sympy.Rational(rng.randint(5, 15), 10) for v in free}
            gaps.append(complex(sympy.N((lhs - rhs).subs(point), 30)))
        return "refute" if all(abs(g) > 1e-9 for g in gaps) else "undecided"
    except BaseException:
        return "undecided"
    finally:
        signal.alarm(0)


if mode == "corpus":
    steps = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
    tally = {"judged": len(steps), "read": 0, "decided": 0, "right": 0, "false_accepts": 0, "false_refutes": 0}
    for step in steps:
        (ok_l, lhs, _), (ok_r, rhs, _) = attempt(step["lhs"]), attempt(step["rhs"])
        if not (ok_l and ok_r) or not all(isinstance(v, sympy.Expr) for v in (lhs, rhs)):
            continue
        tally["read"] += 1
        verdict = _decide(lhs, rhs)
        if verdict == "undecided":
            continue
        tally["decided"] += 1
        right = (verdict == "accept") == step["holds"]
        tally["right"] += right
        tally["false_accepts"] += verdict == "accept" and not step["holds"]
        tally["false_refutes"] += verdict == "refute" and step["holds"]
    print(json.dumps({"reader": which, "corpus": tally}))
    sys.exit(0)

sides = json.loads(Path(sys.argv[3] if len(sys.argv) > 3 else "/tmp/seed_sides.json").read_text(encoding="utf-8"))
n_ok = 0
times = []
failures = []
for tex in sides if mode != "probes" else []:
    ok, out, dt = attempt(tex)
    times.append(dt)
    n_ok += ok
    if not ok:
        failures.append((tex[:60], out))

a, x = sympy.symbols("a x")


def at(v, value):
    v = v.doit() if hasattr(v, "doit") else v
    return sympy.N(v.subs({s: value for s in v.free_symbols}).rewrite(sympy.exp))


def has_func(v, name):
    return isinstance(v, sympy.Basic) and any(
        getattr(f.func, "__name__", "") == name or str(f.func) == name for f in v.atoms(sympy.Function)
    )


probes = {
    r"\log x is natural": (r"\log x", lambda v: abs(at(v, sympy.E) - 1) < 1e-12),
    r"\ln x is natural": (r"\ln x", lambda v: abs(at(v, sympy.E) - 1) < 1e-12),
    r"\sigma(a) is the sigmoid": (r"\sigma(a)", lambda v: abs(at(v, 0) - 0.5) < 1e-12 and len(v.free_symbols) == 1),
    r"|\Sigma| of a matrix is det": (
        r"|\Sigma|",
        lambda v: (
            isinstance(v, sympy.Basic)
            and not v.has(sympy.Abs)
            and (v.has(sympy.Determinant) or len(v.free_symbols) >= 3)
        ),
    ),
    r"x^T A x transposes": (
        r"x^T A x",
        lambda v: isinstance(v, sympy.Basic) and (v.has(sympy.Transpose) or len(v.free_symbols) >= 6),
    ),
    r"E_{x\sim N}[x^2] is an expectation": (
        r"\mathbb{E}_{x\sim\mathcal{N}(0,1)}[x^2]",
        lambda v: "E" in type(v).__name__ or "Expectation" in sympy.srepr(v) or v == 1,
    ),
    r"D_{KL}(p\|q) is KL": (r"D_{KL}(p\|q)", lambda v: "KL" in sympy.srepr(v) or v.has(sympy.Integral)),
    r"d/da log(1-sigma(a))": (r"\frac{\partial}{\partial a}\log(1-\sigma(a))", lambda v: abs(at(v, 0) + 0.5) < 1e-12),
    r"tr\{A\} is a trace": (
        r"tr\{A\}",
        lambda v: isinstance(v, sympy.Basic) and (v.has(sympy.Trace) or len(v.free_symbols) == 2),
    ),
    r"0.6(-1.4) exact": (r"0.6 \cdot (-1.4)", lambda v: v == sympy.Rational(-21, 25)),
    r"p_{data}(x) is a function": (
        r"p_{data}(x)",
        lambda v: isinstance(v, sympy.Basic) and bool(v.atoms(sympy.core.function.AppliedUndef)),
    ),
    r"\int_0^1 x^2 dx": (r"\int_{0}^{1} x^2 \, dx", lambda v: sympy.simplify(v.doit() - sympy.Rational(1, 3)) == 0),
    r"\exp(-a)": (r"\exp(-a)", lambda v: abs(at(v, 0) - 1) < 1e-12),
    r"\sum_{i=1}^{n} i": (r"\sum_{i=1}^{n} i", lambda v: isinstance(v, sympy.Basic) and v.has(sympy.Sum)),
}
probe_out = {}
for label, (tex, good) in probes.items() if mode != "seed" else []:
    sym = (
        {"Sigma": "spd matrix 2x2"}
        if "Sigma" in tex
        else {"x": "vector 2", "A": "matrix 2x2"}
        if "x^T" in tex
        else {"A": "matrix 2x2"}
        if "tr" in tex
        else None
    )
    ok, out, _ = attempt(tex, sym)
    try:
        verdict = bool(ok and good(out))
    except BaseException:
        verdict = False
    probe_out[label] = (verdict, str(out)[:70])

times.sort()
times = times or [0.0]
print(
    json.dumps(
        {
            "reader": which,
            "sides": len(sides),
            "parsed": n_ok,
            "median_ms": round(1000 * times[len(times) // 2], 2),
            "total_s": round(sum(times), 2),
            "probes_right": sum(v for v, _ in probe_out.values()),
            "probes": probe_out,
            "failures": failures[:200],
        },
        indent=1,
        ensure_ascii=False,
    )
)
