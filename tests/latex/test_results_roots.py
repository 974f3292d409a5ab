"""A value stated right after an equation it solves among others is a root chosen (derive.latex.results_roots)."""

from __future__ import annotations

import derive
from derive import Verdict


def _last(text: str) -> tuple[Verdict, str]:
    results = derive.check_latex(text)
    return results[-1].verdict, results[-1].detail or ""


def test_a_step_true_at_the_chosen_root_only_is_undecided() -> None:
    # attacker R71: x = 3 after (x - 3)(x + 3) = 0 was read as a definition and x^2 + x = 12 proved
    verdict, detail = _last("$$(x - 3)(x + 3) = 0$$\n$$x = 3$$\n$$x^2 + x = 12$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "whose solutions are x \\in \\{-3, 3\\}: one root chosen" in detail
    assert "(where the step is proved)" in detail


def test_a_step_true_at_every_root_stays_proved() -> None:
    assert _last("$$(x - 3)(x + 3) = 0$$\n$$x = 3$$\n$$x^2 = 9$$\n")[0] is Verdict.PROVED


def test_the_only_root_is_no_choice() -> None:
    assert _last("$$(y - 3)^2 = 0$$\n$$y = 3$$\n$$y^2 + y = 12$$\n")[0] is Verdict.PROVED


def test_a_value_after_no_equation_is_a_definition() -> None:
    assert _last("$$z = 3$$\n$$z^2 + z = 12$$\n")[0] is Verdict.PROVED
    text = "$$(x + 1)^2 = x^2 + 2x + 1$$\n$$x = 3$$\n$$x^2 + x = 12$$\n"  # an identity before: no root to choose
    assert _last(text)[0] is Verdict.PROVED


def test_a_value_that_solves_the_equation_before_not_proves_nothing() -> None:
    # attacker R114-R116: x = 4 "hence" after x^2 - 5x + 6 = 0 is a wrong result as plausibly as a definition
    verdict, detail = _last("$$x^2 - 5x + 6 = 0$$\nhence\n$$x = 4$$\nso\n$$x^2 = 16$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "whose solutions are x \\in \\{2, 3\\}: 4 solves it not" in detail
    assert _last("$$(x - 3)(x + 3) = 0$$\n$$x = 5$$\n$$x^2 = 25$$\n")[0] is Verdict.UNDECIDED
    verdict, detail = _last("$$y^2 + 1 = 0$$ so $$y = 1$$ and $$y^3 = 1$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "which has no real solution" in detail


def test_a_step_true_at_every_root_holds_whatever_value_was_stated() -> None:
    assert _last("$$(x - 3)(x + 3) = 0$$\n$$x = 5$$\n$$x^2 - 9 = 16$$\n")[0] is not Verdict.PROVED
    assert _last("$$(x - 3)(x + 3) = 0$$\n$$x = 3$$\n$$(x - 3)(x + 3) = 0$$\n")[0] is Verdict.PROVED


def test_a_wrong_step_under_the_chosen_root_stays_refuted() -> None:
    assert _last("$$(x - 3)(x + 3) = 0$$\n$$x = 3$$\n$$x^2 + x = 6$$\n")[0] is Verdict.REFUTED


def test_a_new_part_between_keeps_the_definition() -> None:
    text = "$$(x - 3)(x + 3) = 0$$\n\n## Next problem\n\n$$x = 3$$\n$$x^2 + x = 12$$\n"
    assert _last(text)[0] is Verdict.PROVED


def test_a_value_with_letters_after_an_equation_with_letters() -> None:
    steps = (
        "Setting it to zero:\n\n$$2 \\lambda + 2 N = 0$$\nhence\n$$\\lambda = {value}$$\nso\n$$\\lambda + N = {rhs}$$\n"
    )
    # the only solution: a definition as good as the conclusion
    assert _last(steps.format(value="-N", rhs="0"))[0] is Verdict.PROVED
    # not a solution: what is built on it is not right by it
    verdict, detail = _last(steps.format(value="N", rhs="2N"))
    assert verdict is Verdict.UNDECIDED
    assert "could not show that this value solves it" in detail
    # one root of a quadratic: a choice
    verdict, detail = _last("$$\\nu^2 = M^2$$\nhence\n$$\\nu = M$$\nso\n$$\\nu - M = 0$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "may be a root chosen" in detail


def test_a_coefficient_that_may_vanish_makes_the_value_a_case() -> None:
    # attacker R122: lambda = N is the only solution of a lambda = a N only where a != 0
    verdict, detail = _last("$$a\\lambda = aN$$\nhence\n$$\\lambda = N$$\nso\n$$\\lambda - N = 0$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "its only solution where a \\neq 0, which nothing says" in detail
    # mu = b / a is undefined where a = 0: the only solution wherever it means anything
    assert _last("$$a \\mu = b$$\nhence\n$$\\mu = \\frac{b}{a}$$\nso\n$$a \\mu - b = 0$$\n")[0] is Verdict.PROVED
