"""Letter sizes the text counts with or gives one value as an example (`derive.latex.shapes`).

- "$N$ is the number of samples" is a range that allows every size a sweep checks: N is swept.
- "we have $k = 3$" (one whole value, nothing else said of k) may be an example before the general case or the
  size throughout: k is swept with 3 among its sizes; verified only if every size holds, refuted only at k = 3
  (a failure at another size is no counterexample when k is 3). Two values, a bound or a value after the step
  keep k unswept, as before.
"""

from __future__ import annotations

import derive
from derive import Verdict

COUNTED = (
    "Let $\\mathbf{x}, \\mathbf{y} \\in \\mathbb{R}^N$ and $A \\in \\mathbb{R}^{N \\times N}$, where $N$ is the "
    "number of samples.\n\n"
)
EXAMPLE = (
    "Let $\\mathbf{x}, \\mathbf{y} \\in \\mathbb{R}^k$ and $A \\in \\mathbb{R}^{k \\times k}$. In our example, with "
    "three features, we have $k=3$. More generally:\n\n"
)
UNSWEPT = "the size k is given a value or a condition in the document"


def _one(prefix: str, tex: str) -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(prefix + f"$${tex}$$\n")]
    return result.verdict, result.detail


def test_a_counted_size_is_swept_and_an_identity_verified():
    verdict, detail = _one(COUNTED, "\\mathbf{x}^T A \\mathbf{y} = \\mathbf{y}^T A^T \\mathbf{x}")
    assert verdict is Verdict.VERIFIED, detail
    assert "N = 3" in detail


def test_wrong_twin_a_counted_size_refutes_at_a_size_past_one():
    verdict, detail = _one(COUNTED, "\\det(2A) = 4 \\det A")
    assert verdict is Verdict.REFUTED, detail
    assert "at N = 3" in detail


def test_a_count_with_a_value_stays_unswept():
    prefix = COUNTED + "Here $N > 5$.\n\n"
    verdict, detail = _one(prefix, "\\mathbf{x}^T A \\mathbf{y} = \\mathbf{y}^T A^T \\mathbf{x}")
    assert verdict is Verdict.UNDECIDED
    assert "the size N is given a value or a condition" in detail


def test_an_example_value_is_swept_and_an_identity_verified():
    verdict, detail = _one(EXAMPLE, "\\mathbf{x}^T A \\mathbf{y} = \\mathbf{y}^T A^T \\mathbf{x}")
    assert verdict is Verdict.VERIFIED, detail
    assert "k = 3" in detail and "k = 5" in detail


def test_true_only_at_the_example_value_is_undecided_not_refuted():
    # det(2A) = 8 det A holds for 3 x 3 matrices only: the text may mean k = 3 throughout
    verdict, detail = _one(EXAMPLE, "\\det(2A) = 8 \\det A")
    assert verdict is Verdict.UNDECIDED, detail
    assert "but the text gives k = 3" in detail


def test_wrong_twin_false_at_the_example_value_is_refuted_there():
    verdict, detail = _one(EXAMPLE, "\\det(2A) = 4 \\det A")
    assert verdict is Verdict.REFUTED, detail
    assert "at k = 3" in detail


def test_the_example_value_past_the_small_sizes_is_checked():
    prefix = EXAMPLE.replace("three features, we have $k=3$", "six features, we have $k=6$")
    verdict, detail = _one(prefix, "\\mathrm{tr}(I_k) = 6")
    assert verdict is Verdict.UNDECIDED, detail
    verdict, detail = _one(prefix, "\\mathrm{tr}(I_k) = 5")
    assert verdict is Verdict.REFUTED, detail
    assert "at k = 6" in detail


def test_two_values_keep_the_size_unswept():
    prefix = EXAMPLE + "Later we take $k = 4$.\n\n"
    verdict, detail = _one(prefix, "\\mathbf{x}^T A \\mathbf{y} = \\mathbf{y}^T A^T \\mathbf{x}")
    assert verdict is Verdict.UNDECIDED
    assert UNSWEPT in detail


def test_a_bound_or_a_formula_keeps_the_size_unswept():
    for said in ("we have $k \\geq 3$", "we have $k = 3$ or $k \\le 4$"):
        prefix = EXAMPLE.replace("we have $k=3$", said)
        verdict, detail = _one(prefix, "\\mathbf{x}^T A \\mathbf{y} = \\mathbf{y}^T A^T \\mathbf{x}")
        assert verdict is Verdict.UNDECIDED, (said, detail)


def test_a_value_past_the_sizes_checked_keeps_the_size_unswept():
    prefix = EXAMPLE.replace("we have $k=3$", "we have $k=50$")
    verdict, detail = _one(prefix, "\\mathbf{x}^T A \\mathbf{y} = \\mathbf{y}^T A^T \\mathbf{x}")
    assert verdict is Verdict.UNDECIDED
    assert UNSWEPT in detail


def test_a_counted_size_where_no_size_reads_is_undecided_not_an_error():
    # M is undeclared and read as a number: Y - XM does not read at any size of N (n-teitelbaum-linreg #16)
    prefix = "Let $Y \\in \\mathbb{R}^N$, where $N$ is the number of cars.\n\n"
    verdict, detail = _one(prefix, "\\|Y - XM\\|^2 = \\|Y\\|^2")
    assert verdict is Verdict.UNDECIDED, detail
    assert "the size N is swept" in detail and "reads at no size checked" in detail
