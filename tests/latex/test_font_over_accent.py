"""A font over an accented name (``\\boldsymbol{\\hat{\\beta}}``) is the accented name, beta_hat, in `name_of` as in
an expression: before, `name_of` joined the commands (hatbeta) while the parser read beta_hat, so the shapes
derive tried for the undeclared bold vector were given to a name the step does not use, and the step stayed
undecided ("hatbeta is transposed but not declared")."""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex.parser import name_of


def test_a_font_over_an_accent_names_the_accented_name():
    assert name_of("\\boldsymbol{\\hat{\\beta}}") == "beta_hat"
    assert name_of("\\boldsymbol{\\hat\\beta}") == "beta_hat"
    assert name_of("\\mathbf{\\hat{x}}_n") == "x_hat_n"
    assert name_of("\\hat{\\boldsymbol{\\beta}}") == "beta_hat"
    assert name_of("\\mathbf{x}") == "x"


def _one(tex: str) -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(f"The model.\n\n$${tex}$$\n")]
    return result.verdict, result.detail


def test_the_logistic_of_a_bold_hatted_inner_product_is_verified_in_every_shape():
    verdict, detail = _one(
        "\\sigma(\\boldsymbol{\\hat{\\beta}}^\\top \\mathbf{x}_n) = "
        "\\frac{1}{1 + \\exp(-\\boldsymbol{\\hat{\\beta}}^\\top \\mathbf{x}_n)}"
    )
    assert verdict is Verdict.VERIFIED, detail
    assert "beta_hat: vector" in detail


def test_wrong_twin_a_lost_sign_is_not_accepted():
    verdict, detail = _one(
        "\\sigma(\\boldsymbol{\\hat{\\beta}}^\\top \\mathbf{x}_n) = "
        "\\frac{1}{1 + \\exp(\\boldsymbol{\\hat{\\beta}}^\\top \\mathbf{x}_n)}"
    )
    assert verdict not in (Verdict.VERIFIED, Verdict.PROVED), detail


def test_wrong_twin_an_outer_product_is_not_accepted():
    verdict, detail = _one(
        "\\boldsymbol{\\hat{\\beta}}^\\top \\mathbf{x} = \\mathbf{x} \\boldsymbol{\\hat{\\beta}}^\\top"
    )
    assert verdict not in (Verdict.VERIFIED, Verdict.PROVED), detail
