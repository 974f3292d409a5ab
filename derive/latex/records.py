"""What reading a document gives: `Block`, `Step` and `Document` (shared by the reading stages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from derive.model import Claim, Relation


@dataclass(frozen=True)
class Block:
    """One display-math region: its number (from 1), first and last line, and its LaTeX."""

    index: int
    line: int
    end_line: int
    tex: str
    kind: str  # "$$", "\\[", an environment name, "inline", "{math}" (MyST), "{% math %}" (Jekyll)
    #: Why the block has no step of its own ("" when it has one): for the reports, which
    #: mark every block so that the echo of a homework is complete.
    note: str = ""


@dataclass(frozen=True)
class Step:
    """One checkable step ``lhs_tex <relation> rhs_tex`` of a block.

    ``error`` is set when the splitter already knows the step cannot be read (an empty
    side, a forbidden command); ``claim`` is built anyway, and checking it gives ``error``.

    ``kind`` is ``"unreadable"`` for the one ``error`` step of a block that could not be split
    (unbalanced braces hide its relations): ``lhs_tex`` is the whole block, ``rhs_tex`` empty.
    ``kind`` is ``"definition"`` for the first equation of a statement whose left side is a
    bare name (``z``, ``\\hat{x}``, ``D^*``) or an unknown function applied to names
    (``f(x)``, ``\\mathcal{L}(\\theta)``) that the right side does not use: ``defines`` names it,
    and `definition_result` answers for it. ``premise`` is the index (in `Document.steps`)
    of the last step of the statement an arrow leads from, ``premise_solution`` what solving
    it gave (``"y = 0"``; ``""`` nothing to solve; None could not solve), ``condition`` says
    an arrow follows this step's statement. ``uses`` lists the earlier definitions, fixed
    values and premise the claim's sides are read under; ``defined`` the names defined
    earlier that were not substituted (defined more than once, so not free either).
    """

    block: int
    index: int
    line: int
    lhs_tex: str
    rhs_tex: str
    relation: Relation
    claim: Claim
    error: str | None = None
    kind: str = "step"
    defines: str | None = None
    premise: int | None = None
    premise_solution: str | None = None
    condition: bool = False
    uses: tuple[str, ...] = ()
    defined: tuple[str, ...] = ()
    #: Names the prose defines right after the step's block ("where $z = Wx$"): the step was read
    #: with them free, so a counterexample that gives one of them a value does not refute it.
    defined_after: tuple[str, ...] = ()
    unread_premise: bool = False  # an arrow leads here from something derive could not read as a premise
    annotated: bool = False  # it follows an annotation such as \\text{for}: refuted, it is only undecided
    #: Names that do not depend on a differentiation variable: declared ``constants:`` and names the
    #: prose declares before the step (``$x \\in \\mathbb{R}$``, ``$\\sigma > 0$``).
    constants: tuple[str, ...] = ()
    #: The sides of the premise whose solution the step is read under, as they were read.
    premise_sides: tuple[str, str] = ()
    #: Names declared as functions (``functions: [K]``): ``K(\\sigma)`` applies K.
    functions: tuple[str, ...] = ()
    #: Equations the prose before the step states as conditions ("If $\\hat y = y$, then"), with
    #: their line and word: their names are neither substituted nor free.
    conditions: tuple[str, ...] = ()
    #: (name, where) of ranges the prose states that no kind expresses (``$y \\in \\{0, 1\\}$``):
    #: the step is read with the name real, so no refutation through it stands.
    ranges: tuple[tuple[str, str], ...] = ()
    #: The constant of "+ \\mathrm{const}" when the step was checked as "lhs - rhs without it is constant":
    #: the claim compares that difference with its value at one point (proved: equal up to a constant).
    up_to_constant: str = ""
    #: The variable (derive name) of a ``\\propto`` step checked as "left side / right side equals its value
    #: at one point of the variable, which is positive" (proved: proportional in it; refuted: the ratio
    #: depends on it); "" for any other step.
    proportional_in: str = ""
    #: Random variables the prose gives a law each, that this step uses together, where the text never
    #: says they are independent: derive draws them independently, which the text did not state.
    joint_unstated: tuple[str, ...] = ()
    #: The parameters of each function the step applies from its definition (``f(x, y) = ...``): independent
    #: of each other, so a partial derivative by one holds the others constant (not by another variable).
    parameters: tuple[tuple[str, ...], ...] = ()
    #: The document before the step within its top-level part (section, problem): what the prose says
    #: names are, read by `derive.latex.prob_readings.probability_doubt`.
    prose: str = ""
    #: Why derive reads this step but does not check it (a ``\\propto`` in a variable the text does not
    #: name, or whose factor's sign is unknown): answered ``undecided`` with this reason, never run.
    unchecked: str = ""

    @property
    def id(self) -> str:
        return self.claim.id


@dataclass(frozen=True)
class Document:
    """What `read_document` found: the steps in order, the blocks, and reading problems."""

    file: str | None
    steps: tuple[Step, ...]
    blocks: tuple[Block, ...]
    errors: tuple[str, ...] = ()
    text: str = field(default="", repr=False)
    symbols: tuple[tuple[str, str], ...] = ()
    random: tuple[tuple[str, Any], ...] = ()
