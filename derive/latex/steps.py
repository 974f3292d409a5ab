"""Steps built from the chains of a document, read in their document.

Steps are read in their document (see `Step`): the first equation of a statement may be a
definition (``z = B^T x``, or ``f := x^2``, which is no step of its own), which later steps use
when its name is defined once; a statement after a forward arrow is a conclusion whose premise
is the statement before it. Without ``inline=True`` the inline math of the prose gives no step
but is read as context: its definitions (``$\\hat y = \\sigma(a)$``) count like display ones
(a number given to a name, ``$x = 2$``, is not substituted) and its declarations
(``$y \\in \\{0, 1\\}$``, ``$\\sigma > 0$``) make names independent variables. Definitions a step
uses are applied in dependency order, so they compose (``\\hat y := \\sigma(a)`` after ``a := w x + b``).
An equation in the prose after a condition word (``If $\\hat y = y$``) is a case, never a definition;
a declaration gives its name a kind from there on where one states it exactly (``\\sigma > 0``:
positive, ``p \\in (0, 1)``: probability, ``n \\in \\mathbb{N}``: positive integer), a finite set of
numbers is checked at each value, and any other range only blocks refutations through the name.
After a condition annotation (``\\quad \\text{for } x, y > 0``, ``, \\quad a > 0, b > 0``) the rest of
the row is conditions: the statement is read under the kinds they state exactly and is not
refuted at a point outside them. ``+ \\mathrm{const}`` on one side is checked as "the difference
without it equals its value at one point" (see `Step.up_to_constant`). What a step
is read under is written into its claim's own LaTeX as an evaluation bar,
``\\left. W_1 x \\right|_{W_1 := B}`` or ``\\left. y \\right|_{y = 0}``, so the claim alone says
what was checked (and the result cache keys on it).

Declarations (`derive.latex.assumptions.Prose`) hold to the end of their section; a law in the prose
(``$x \\sim \\mathcal{N}(\\mu, \\sigma^2)$``) makes the name a random variable of the steps after it,
unless the front matter, --symbols or the step's own ``E_{x \\sim q}`` says otherwise; a display that
only orders bare names and numbers (``$$0 < \\mu < 1$$``) declares too. A value concluded after an
arrow (``\\implies \\lambda = -N``) is no definition, but a later step refuted with that name free is
only undecided, naming the conclusion. ``\\approx`` a written number is checked to the digits
written (`_written_band`: ``0.15`` means ±0.005), exactly. A bare ``\\pi`` given a value (``\\pi = 0.3``)
or declared in (0, 1) is a name (symbols ``pi``), not the constant. ``A \\propto B`` is checked in the
variable of the density its chain starts with (``p(\\theta|D)``: θ) or of ``\\propto_\\theta``, as "A/B
equals its value at one point of the variable" when that value is provably positive (`_proportion_check`,
`Step.proportional_in`); with no such variable it is no step, and its block says it is not checked.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from derive.errors import DeriveError, LatexError, Location
from derive.language.symbols import SymbolTable, parse_kind
from derive.latex import constants, expect_words
from derive.latex.assumptions import (
    _CASE_WORDS,
    _INLINE_MATH,
    _NEGATION,
    _SENTENCE_END,
    Prose,
    _condition_kinds,
    _condition_word,
    _declared_kinds,
    _finite_set,
    _is_number,
    _names,
    definite_in_words,
    headings,
    negated,
)
from derive.latex.context import (
    DISTINCT,
    PREMISE_DEFINES,
    PRIME_NOTE,
    RESTATES,
    ROW_BEFORE,
    FunctionDefinition,
    additive_constant,
    apply_functions,
    domain_arguments,
    domain_set,
    fixed_names,
    function_definition,
    function_parameters,
    row_ratio,
    solve_premise,
    unknown_derivatives,
    value_tex,
)
from derive.latex.definitions_words import (
    built_in_doubt,
    built_in_given,
    built_in_roles,
    error_function_target,
    introduced_by_name,
    log_definition_target,
    own_function_target,
)
from derive.latex.expect_words import independent_at, independent_in_words, nonrandom_at, numbers_in_words
from derive.latex.laws_words import case_laws_at, case_laws_in_words, case_random, law_parameter_ranges, laws_in_words
from derive.latex.model_statements import ModelScope, ModelStatement, apply_models, model_statement
from derive.latex.names import definition_target, latex_of_name, mentions, names_in
from derive.latex.parser import name_of, parse_latex
from derive.latex.records import Step
from derive.latex.results_stationary import keeps_definition
from derive.latex.splitting import _HOSTILE, _UNCHECKED_MEANING, _group_end, _scan_separators
from derive.latex.structure_defs import Structure, structure_of, tuple_sides
from derive.latex.structure_family import sample_set, vector_family
from derive.latex.structure_samples import FAMILY_MARK
from derive.model import Claim, LatexSource, Relation

if TYPE_CHECKING:
    from derive.latex.frontmatter import _Section
    from derive.latex.splitting import _Chain, _Rel, _Splitter


@dataclass
class _Draft:
    rel: _Rel
    lhs: str
    rhs: str
    chain: _Chain
    position: int
    index: int
    line: int
    error: str | None
    symbols: dict[str, str]
    values: dict[str, str]
    defines: tuple[str, bool] | None = None
    base: tuple[str, str] = ("", "")  # the sides read under earlier definitions and fixed values
    context: bool = False  # read for its definitions, not checked: inline math in the prose, or "f := x^2"
    prose: bool = False  # inline math in the prose
    #: (name, word): a prose equation stated as a condition ("When $\\hat y = y$ ..."), not a definition
    condition: tuple[str, str] | None = None
    #: the draft that first defined the name this display equation states again (``\\mu_1 = ...`` twice):
    #: a claim that it agrees with that definition, not a second definition
    restates: int | None = None
    #: the names of a prose equation that defines none of them ("Assume $a + b = 1$", "$\\sum_k \\pi_k = 1$"):
    #: a constraint the text states, so a refutation that gives them values may be outside it
    constrains: tuple[str, ...] = ()
    #: the application a ``\\log L(\\theta) = body`` defines through its log (``L(\\theta)``), or ""
    through_log: str = ""
    #: a bare name's value displayed after a result word ("we get $$\\lambda = 2$$"): the text's conclusion,
    #: recorded as the arrow's conclusions are (`derive.latex.results_concluded`), never a definition
    concluded: bool = False


def _build_steps(  # noqa: PLR0915 - one pass: each step with its context
    splitter: _Splitter,
    section: _Section,
    file: str | None,
    line_of: Any,
    *,
    context: _Splitter | None = None,
    declared_at: list[tuple[int, str, str | None, str, int]] | None = None,
    spans: Mapping[int, tuple[int, int]] | None = None,
    where_after: Mapping[int, list[tuple[str, str, str]]] | None = None,
) -> list[Step]:
    """The steps of the display blocks, each read under the definitions before it.

    ``context`` holds the inline math of the prose: its definitions count like display ones
    (``$\\hat y = \\sigma(a)$`` is substituted into the later steps that use y-hat), but it
    gives no step. ``declared_at`` lists (offset, name, kind or None, text, line) of names the
    prose declares: a kind holds for the steps after it unless the front matter or --symbols
    declare the name; a range no kind states (None) leaves the name real but unrefutable through.
    ``spans`` gives each display block's (start, end); ``where_after`` the kinds (name, kind, what
    was said) the sentence right after a block states for it ("$$...$$ where $x > 0$"): its own steps
    are read under them, as under a condition annotation.
    """
    drafts: list[_Draft] = []
    per_block: dict[int, int] = {}
    found = [(*item, _hidden_definition(item, splitter), False) for item in splitter.steps()]
    if context is not None:
        found += [(*item, True, True) for item in context.steps()]
        found.sort(key=lambda item: item[0].offset)
    for rel, lhs, rhs, chain, k, hidden, prose in found:
        error = _step_error(lhs, rhs, None if prose else splitter.block_errors.get(rel.block))
        if not hidden:
            per_block[rel.block] = per_block.get(rel.block, 0) + 1
        symbols, values = section.for_block(rel.block)
        index = 0 if hidden else per_block[rel.block]
        line = line_of(rel.offset)
        drafts.append(_Draft(rel, lhs, rhs, chain, k, index, line, error, symbols, values, context=hidden, prose=prose))
    _find_definitions(drafts, splitter.doc)
    # a display statement right after "If" / "Suppose" prose is a case, not an identity to refute
    cases = {
        id(d.chain)
        for d in drafts
        if not d.prose and d.position == 0 and d.chain.exprs and d.chain.exprs[0].parts and _block_case(splitter.doc, d)
    }
    # a definition holds to the end of its section (`_scope_ends`); two in overlapping scopes are not substituted,
    # unless they provably define the same ("Let $f(x) = x \\cdot \\ln x$" ... "since $f(x) = x \\ln x$ is ...")
    ends = _scope_ends(drafts, splitter.doc)
    levels = scope_marks(splitter.doc) if splitter.doc else []
    top = min((depth for _, depth in levels), default=0)
    top_marks = [offset for offset, depth in levels if depth == top]
    defs = [j for j, d in enumerate(drafts) if d.defines]

    def in_scope_together(j: int) -> int:
        """How many definitions of draft j's name differ from it in scopes that overlap its own (``ends``)."""
        return sum(
            1
            for k in defs
            if drafts[k].defines[0] == drafts[j].defines[0]  # type: ignore[index]
            and drafts[k].rel.offset < ends[j]
            and drafts[j].rel.offset < ends[k]
            and (k == j or not _same_definition(drafts[j], drafts[k]))
        )

    counts = {j: in_scope_together(j) for j in defs}
    # a statement of a defined name again ends its substitution (the text may define it anew), unless it
    # provably states the same (then it is still checked, against the first)
    restated = {
        d.restates: i
        for i, d in enumerate(drafts)
        if d.restates is not None and not _same_definition(drafts[d.restates], d, restating=True)
    }
    last_of: dict[int, int] = {}
    for i, d in enumerate(drafts):
        last_of[id(d.chain)] = i
    models = _model_scope(drafts, splitter.doc, ends, cases, spans)

    # plain names defined exactly once: later steps read them as their definitions; a number
    # given to a name in the prose ("at $x = 2$") is more often a point than a definition, so it
    # is not substituted (a step refuted where it gives x a value is then only undecided)
    once = {
        i: d.defines[0]
        for i, d in enumerate(drafts)
        if d.defines
        and d.defines[1]
        and counts[i] == 1
        and not (d.prose and _is_number(d.rhs))
        and not _family_clash(i, drafts, ends)
    }
    # "$$ ... N_k ... $$ where $N_k = \\sum_n I_{nk}$": a definition clause right after a display defines the
    # name for that display's steps too (`_where_definitions`)
    clauses = _where_definitions(drafts, splitter.doc, spans, counts)
    # functions defined exactly once (f(x) = ...): later steps read each application as the body (a lambda)
    # (one given in a list item, "\\item $J(\\w) = \\a^\\top \\w$" of an exercise's parts, holds to the end of that
    # item: the next part may define the function anew)
    for j in defs:
        if not drafts[j].defines[1]:  # type: ignore[index]
            ends[j] = min(ends[j], _item_end(splitter.doc, drafts[j].rel.offset))
    fn_counts = {j: in_scope_together(j) for j in defs if not drafts[j].defines[1]}  # type: ignore[index]
    # ... and only one that holds for every argument: not with a domain clause ("for $x \\geq 0$"), nor with
    # another piece of it stated in its scope ("and $g(x) = 0$ outside")
    sentences = sentence_text(splitter.doc)
    # f'(x) = ... stated as a definition, or $f'$ named in prose that says nothing of a derivative ("an updated
    # model $f'$"): f' may be a function of its own, so it is never read as the derivative of f
    primed_defined = {
        n
        for j in defs
        if "_prime" in drafts[j].defines[0]  # type: ignore[index]
        for n in (drafts[j].defines[0], _base_name(drafts[j].defines[0]))  # type: ignore[index]
    } | _primes_in_prose(splitter.doc, sentences)
    lambdas = {
        i: limited
        for i, d in enumerate(drafts)
        if d.defines and not d.defines[1] and fn_counts[i] == 1 and not (d.prose and _is_number(d.rhs))
        for fd in [_function_of(d)]
        if fd is not None
        and not _at_a_point(fd)
        and not _parameter_given(i, fd, drafts, ends)
        and not _other_piece(i, drafts, ends[i], splitter.doc)
        and not _contradicted(d, fd, drafts, ends[i], splitter.doc)
        and not _an_instance(d, drafts, sentences)
        for limited in [_domain(d, fd, splitter.doc, sentences, _math_end(d, splitter.doc, spans))]
        if limited is not None
    }
    # a later statement that gives the function another meaning ends it (`redefinitions`)
    in_words = sorted(_functions_in_words(splitter.doc) + redefinitions(splitter.doc, sentences))
    anew = redefinitions(splitter.doc, sentences, _ANEW)  # "Now let $m$ be the median": any defined name
    repeated: set[str] = set()  # names defined so far that are not substituted
    conditioned: set[str] = set()  # names the prose so far states conditions on ("if $x = 2$")
    conditions: list[str] = []
    seen_defs = 0
    names_cache: dict[str, Any] = {}
    steps: list[Step] = []
    solved: dict[int, str | tuple[str, list[Any]] | None] = {}
    after: dict[int, list[tuple[int, str]]] = {}  # block -> (offset, name) the prose defines before the next block
    for d in drafts:
        if d.prose and d.defines:
            after.setdefault(d.rel.block, []).append((d.rel.offset, d.defines[0]))
    mark_offsets = sorted(at for at, _ in levels)
    prose = Prose()
    independence_stated = _INDEPENDENCE_WORDS.search(splitter.doc) is not None
    stated_independent = independent_in_words(splitter.doc) if independence_stated else []
    stated_numbers = numbers_in_words(splitter.doc)
    stated_moments = expect_words.moments_in_words(splitter.doc)
    stated_cases = case_laws_in_words(splitter.doc)
    named_pi = next((j for j, d in enumerate(drafts) if d.defines and d.defines[0] == "pi"), None)
    # "Let $e = 2$ denote the number of edges": e is no longer only Euler's number
    # (anywhere in the document: "$$e^x ...$$ where $e = 2$ is the number of edges" means it there too)
    built_in: dict[str, list[tuple[int, str]]] = {}  # letter -> (offset, what the text says) of each value
    for d in drafts:
        found_b = built_in_given(d.lhs, d.rhs) if d.error is None and d.rel.relation is Relation.EQ else None
        if found_b is not None and d.position == 0:
            built_in.setdefault(found_b, []).append(
                (d.rel.offset, f"{d.lhs.strip()} = {d.rhs.strip()} (line {d.line})")
            )
    for at, letter, said in built_in_roles(splitter.doc):  # "Let $e$ denote the error vector"
        built_in.setdefault(letter, []).append((at, f"{said} (line {line_of(at)})"))
    # what the prose declares, and the headings that end it, in document order
    # a display statement that only declares (``$$0 < \\mu < 1$$``) holds from its end on; its own steps
    # are not refuted through the names it declares
    shown_declarations = _display_declarations(drafts)
    for key, found_d in shown_declarations.items():
        block = next(d.rel.block for d in drafts if id(d.chain) == key)
        lo, hi = (spans or {}).get(block, (found_d[0][0], found_d[0][0]))
        if not standing(sentences, lo, hi, display=True):
            # "We must not assume $$x > 0$$": a range, not a kind
            shown_declarations[key] = [(at, n, None, said, line) for at, n, _, said, line in found_d]
    declaring = {key: {n for _, n, *_ in found} for key, found in shown_declarations.items()}
    events = sorted(
        [(at, 1, depth, "", None, "", 0) for at, depth in scope_marks(splitter.doc)]
        + [(at, 2, depth, "", None, "", 0) for at, depth in depth_restored(splitter.doc)]
        + [(at, 0, 0, name, kind, said, line) for at, name, kind, said, line in declared_at or ()]
        + [(end, 0, 0, name, kind, said, line_of(at)) for at, end, name, kind, said in definite_in_words(splitter.doc)]
        + [(end, 0, 0, name, kind, said, line_of(at)) for at, end, name, kind, said in laws_in_words(splitter.doc)]
        + [(end, 0, 0, name, ANY_REAL, said, line_of(at)) for at, end, name, said in any_real_in_words(splitter.doc)]
        + [(end, 0, 0, name, None, said, line_of(at)) for at, end, name, said in facts_in_words(splitter.doc)]
        + [
            (at, 0, 0, name, kind, said, line)
            for found in shown_declarations.values()
            for at, name, kind, said, line in found
        ],
        key=lambda e: (e[0], e[1]),
        reverse=True,
    )
    paragraph_of = _paragraph_of(splitter.doc)
    sentence_of = _sentence_of(sentences)
    distinct = distinct_in_words(splitter.doc)
    ends_of = _heading_after(splitter.doc)
    last_declared: dict[str, tuple[int, int, str | None]] = {}
    faded: dict[str, str] = {}  # names declared in an earlier part or item: neither their kind nor free (`_fade`)
    for i, d in enumerate(drafts):
        while events and events[-1][0] < d.rel.offset:
            event = events.pop()  # the steps come in document order
            if event[1] == 2:
                prose.current = event[2]  # a list or theorem closed: the depth before it holds again
            elif event[1]:
                _fade(prose, faded, event[2], line_of(event[0]))
                prose.heading(event[2])
            else:
                faded.pop(event[3], None)
                _declare(prose, last_declared, event, (paragraph_of(event[0]), sentence_of(event[0])))
        given_random = _random_for(section, d.rel.block)
        if given_random.keys() & d.symbols.keys() - section.random.keys():
            # a scope's random: wins in its blocks over the symbols declared for the whole document
            d.symbols = {n: k for n, k in d.symbols.items() if n not in given_random or n in section.random}
        declared = prose.declared
        if named_pi is not None and named_pi < i and "pi" not in d.symbols:
            d.symbols = {**d.symbols, "pi": "real"}  # a bare \\pi given a value is a name from there on
        ranges = {**faded, **prose.ranges}
        given_kinds = {n: k for n, (k, _) in prose.kinds.items() if n not in d.symbols and n not in given_random}
        sources = {n: prose.kinds[n][1] for n in given_kinds}
        # the conditions the statement's own row states ("\\quad \\text{for } x, y > 0") win over the prose
        for n, k, said in _condition_kinds(d.chain.conditions):
            if n not in d.symbols and n not in given_random:
                given_kinds[n], sources[n] = k, f"the condition {said} (line {d.line})"
        for n, k, said in (where_after or {}).get(d.rel.block, ()) if not d.prose else ():
            if n not in d.symbols and n not in given_random:
                given_kinds[n], sources[n] = k, f"{said}, right after the display"
        if given_kinds:
            d.symbols = {**given_kinds, **d.symbols}
        op = {"==": "=", "~=": "≈"}.get(d.rel.relation.value, d.rel.relation.value)
        step_random = tuple(given_random.items())
        dens = section.densities_for(d.rel.block)
        bound: tuple[str, ...] = ()
        laws: dict[str, str] = {}  # name -> where, for the random variables the prose declares
        joint_unstated: tuple[str, ...] = ()
        if d.error is None and not d.context:
            extra = _subscript_random((d.lhs, d.rhs), d.symbols, given_random)
            # a law the step's own subscript states (E_{x \\sim q}) wins over the prose's
            # a law stated as a case ("If $f$ is ..., then") holds in the display its sentence introduces only
            shown_at = (spans or {}).get(d.rel.block, (d.rel.offset, d.rel.offset))[0] if not d.prose else d.rel.offset
            cases = {
                n: c
                for n, c in case_laws_at(splitter.doc, stated_cases, shown_at).items()
                if n not in given_random and n not in extra and n not in d.symbols
            }
            drawn_prose, laws = prose.random_for(d.symbols, set(given_random) | set(extra) | set(cases))
            drawn_case, case_where, case_ranges = case_random(cases, d.symbols, prose.laws, line_of)
            laws.update(case_where)
            ranges.update(case_ranges)
            ranges.update(prose.unread_laws(set(drawn_prose) | set(extra) | set(given_random) | set(d.symbols)))
            step_random = step_random + tuple(extra.items()) + tuple(drawn_prose.items()) + tuple(drawn_case.items())
            # derive samples a law's parameters as plain reals: no refutation at a value the law excludes
            ranges.update(law_parameter_ranges({**drawn_prose, **drawn_case}, laws))
            together = sorted(n for n in {**drawn_prose, **drawn_case} if mentions(d.lhs, n) or mentions(d.rhs, n))
            if len(together) >= 2 and not independence_stated:
                joint_unstated = tuple(together)
            taken = {name for name, _ in step_random}
            bound, drawn = _bound_densities((d.lhs, d.rhs), dens, taken)
            step_random = step_random + drawn
        over = tuple(sorted((name, var) for name, (var, _) in dens.items()))
        # within its scope, and up to a later statement of the name (which may define it anew)
        substitutable = {
            n: j
            for j, n in once.items()
            if j < i
            and d.rel.offset < ends[j]
            and restated.get(j, i) >= i
            and not any(drafts[j].rel.offset < at < d.rel.offset and name == n for at, name in anew)
        }
        if "E" in substitutable and _expectation_context(d, step_random):
            del substitutable["E"]  # E = m c^2 in the text, then E[x] or a random x: which E is meant?
        gone = {n for j, n in once.items() if j < i and n not in substitutable}
        for j in clauses.defining.get(d.rel.block, ()) if not d.prose else ():
            substitutable.setdefault(drafts[j].defines[0], j)  # type: ignore[index]
        items: list[str] = []
        base_items: list[str] = []  # the definitions and values the sides are read under, for the stated moments
        notes: list[str] = []
        uses: list[int] = []
        cyclic: set[str] = set()
        premise = last_of.get(id(d.chain.premise)) if d.chain.premise is not None else None
        solution: str | None = None
        row = _row_before(d, drafts, last_of, i) if premise is None else None
        row_claim: tuple[str, str] | None = None
        # "F(\\theta, q) = ..." stated again with the same arguments: its first right side is what is compared
        applied_again = d.restates is not None and not drafts[d.restates].defines[1]  # type: ignore[index]
        own_lhs = drafts[d.restates].rhs if applied_again else d.lhs  # type: ignore[index]
        own_rhs = d.rhs
        row_sides = (drafts[row].lhs, drafts[row].rhs) if row is not None else ()
        written_lhs = d.lhs  # as written, functions applied (own_lhs is the first statement's side when restated)
        # the names an applied function's body holds fixed (f(x) = a x: a), constant by its definition
        fixed_by_definition: set[str] = set()
        applied_fns: list[str] = []
        in_scope: dict[str, FunctionDefinition] = {}
        limited: dict[str, str] = {}
        model_said = ""
        models_used: list[ModelStatement] = []
        if d.error is None and d.defines is None and not d.context:
            # P(X | theta) after the text stated its formula: read as that formula (derive.latex.model_statements)
            model_said = _model_reading(i, d, models, drafts, anew)
            if not model_said:
                models_here = models.for_step(
                    i,
                    d.rel.offset,
                    lambda j, m, i=i: _shadowed(
                        j, i, m, drafts, anew, doc=splitter.doc, marks=mark_offsets, derived=models.derived
                    ),
                )
                own_lhs, used_models = apply_models(own_lhs, models_here)
                written_lhs = apply_models(written_lhs, models_here)[0]
                own_rhs, used_r_models = apply_models(own_rhs, models_here)
                row_sides = tuple(apply_models(side, models_here)[0] for side in row_sides)
                models_used = list(dict.fromkeys([*used_models, *used_r_models]))
                notes += [m.note for m in models_used]
                for item, said in models.derived.get(i, ()) if models_used else ():
                    items.append(item)  # the values the text states, which this formula follows from the first with
                    notes.append(f"{said}, stated in the text")
            in_scope = {
                fd.name: fd
                for j, fd in lambdas.items()
                if j < i
                and d.rel.offset < ends[j]
                and restated.get(j, i) >= i
                and not any(drafts[j].rel.offset < at < d.rel.offset and n == fd.name for at, n in in_words)
            }
            if "E" in in_scope and _expectation_context(d, step_random):
                del in_scope["E"]  # E(w) = w^2 in the text, then E(x) of a random x, or E[x]: which E is meant?
            given_fd = _premise_function(drafts[premise], in_scope) if premise is not None else None
            if given_fd is not None:
                in_scope[given_fd.name] = given_fd  # "\ell(\mu) = ... \Rightarrow \frac{d}{d\mu}\ell(\mu) = ..."
            if in_scope:
                # f'(c) with f defined on [1, e^2] only: read for c in it (a range), so never refuted outside it;
                # a c whose kind keeps it outside ("Let $c < 0$") leaves f as written
                originals = [d.lhs, d.rhs, *((drafts[row].lhs, drafts[row].rhs) if row is not None else ())]
                limited, clashing = domain_arguments(" ".join(originals), in_scope, d.symbols)
                in_scope = {n: fd for n, fd in in_scope.items() if n not in clashing}
            if in_scope:
                # f(2y) after f(x) = ...: the body with x replaced, written into the claim's own sides
                own_lhs, used_l = apply_functions(own_lhs, in_scope)
                written_lhs = apply_functions(written_lhs, in_scope)[0]
                own_rhs, used_r = apply_functions(own_rhs, in_scope)
                applied_fns = [*used_l, *(n for n in used_r if n not in used_l)]
                if row_sides:
                    row_sides = tuple(apply_functions(side, in_scope)[0] for side in row_sides)
                notes += [in_scope[n].note for n in applied_fns]
                for n in applied_fns:
                    fixed_by_definition |= fixed_names(in_scope[n])
            # f'(x) of a function the text does not define: the derivative of an unknown f (`unknown_derivatives`)
            blocked = set(in_scope) | primed_defined
            own_lhs, primed_l = unknown_derivatives(own_lhs, blocked, d.symbols)
            written_lhs = unknown_derivatives(written_lhs, blocked, d.symbols)[0]
            own_rhs, primed_r = unknown_derivatives(own_rhs, blocked, d.symbols)
            if row_sides:
                row_sides = tuple(unknown_derivatives(side, blocked, d.symbols)[0] for side in row_sides)
            for n in dict.fromkeys([*primed_l, *primed_r]):
                base = _base_name(n)
                primed = latex_of_name(base) + "'" * n.count("_prime")
                which = "" if n.count("_prime") == 1 else "second "
                own = f"(the text defines no {primed} of its own)"
                notes.append(f"{primed} {PRIME_NOTE.format(which)}{latex_of_name(base)} {own}")
            sides_used = (own_lhs, own_rhs, *row_sides)
            reached = _definitions_used(sides_used, substitutable, drafts, names_cache)  # type: ignore[arg-type]
            uses = _composition_order(reached, drafts, names_cache)
            # definitions on a cycle are not applied; their names are not free either
            cyclic = {drafts[j].defines[0] for j in set(reached) - set(uses)}  # type: ignore[index]
            # x := (x_1, \ldots, x_n), Y := [y_1 \\ \vdots \\ y_N]: a vector its definition declares (structure_defs)
            structures = _structures(uses, drafts, d.symbols, sides_used)
            d.symbols = {**d.symbols, **{s.name: s.kind for s in structures.values() if s and s.kind}}
            items += [_definition_item(drafts[j], structures.get(j)) for j in uses if _substituted(structures.get(j))]
            if laws and not independence_stated and not joint_unstated:
                # Var(x) with x := y_1 + y_2: the random names the definitions bring in are used together too
                read = " ".join([own_lhs, own_rhs, *(drafts[j].rhs for j in uses)])
                together = sorted(n for n in laws if mentions(read, n))
                joint_unstated = tuple(together) if len(together) >= 2 else ()
            notes += [_definition_note(drafts[j], structures.get(j)) for j in uses]
            if d.restates is not None and (d.restates in uses or applied_again):
                first = drafts[d.restates]
                if applied_again:
                    notes.append(f"{first.lhs} := {first.rhs} (line {first.line})")
                notes.append(f"{RESTATES}{first.lhs}, defined at line {first.line}: checked against that definition")
            texts = " ".join([own_lhs, own_rhs, *(drafts[j].rhs for j in uses)])
            fixed = [(n, v) for n, v in sorted(d.values.items()) if _may_mention(texts, n)]
            items += [f"{latex_of_name(n)} = {v}" for n, v in fixed]
            notes += [f"{n} = {v} (values:)" for n, v in fixed]
            applied = [n for n in section.functions_for(d.rel.block) if _may_mention(texts, n)]
            items = [f"{latex_of_name(n)}(\\cdot)" for n in applied] + items  # before the definitions use them
            notes += [f"{n} a function (functions:)" for n in applied]
            notes += [f"{n}: {k}, from {sources[n]}" for n, k in given_kinds.items() if _may_mention(texts, n)]
            notes += [f"{n} random, from {said}" for n, said in laws.items() if _may_mention(texts, n)]
            d.base = (_wrap(own_lhs, items), _wrap(own_rhs, items))
            base_items = list(items)
            if premise is not None:
                if premise not in solved:
                    solved[premise] = solve_premise(steps[premise], drafts[premise].base)
                found = solved[premise]
                pre = steps[premise]
                pre_op = {"==": "=", "~=": "≈"}.get(pre.relation.value, pre.relation.value)
                given = f"given {pre.lhs_tex} {pre_op} {pre.rhs_tex} (line {pre.line})"
                if isinstance(found, tuple):
                    name, roots = found
                    shown = [value_tex(r) for r in roots]
                    sym = latex_of_name(name)
                    items.append(f"{sym} = {shown[0]}" if len(shown) == 1 else f"{sym} \\in \\{{{', '.join(shown)}\\}}")
                    solution = f"{name} = {shown[0]}" if len(shown) == 1 else f"{name} in {{{', '.join(shown)}}}"
                    order = "" if len(shown) == 1 else " (checked at each, in that order: one entry per solution)"
                    notes.append(f"{given}, solved: {solution}{order}")
                else:
                    solution = found
                    notes.append(given if found == "" else f"{given}, which derive could not solve")
            if row is not None:
                # a row of a chain of equations being solved: this row's lhs - rhs is a nonzero multiple of
                # the row before's (see `row_ratio`), checked exactly as an identity
                this = f"\\left({written_lhs}\\right) - \\left({own_rhs}\\right)"
                before = f"\\left({row_sides[0]}\\right) - \\left({row_sides[1]}\\right)"
                ratio = row_ratio(_wrap(before, items), _wrap(this, items), d.symbols)
                if ratio is not None:
                    row_claim = (_wrap(this, items), _wrap(f"\\left({ratio}\\right) \\left({before}\\right)", items))
                    notes.append(
                        f"{ROW_BEFORE} (line {drafts[row].line}): lhs - rhs = ({ratio}) "
                        f"({drafts[row].lhs} - ({drafts[row].rhs})), and {ratio} is nonzero"
                    )
        step_ranges = {n: w for n, w in ranges.items() if n not in d.symbols}  # a declared kind wins
        step_ranges.update(limited)  # ... but not over where a function is defined: its argument stays in there
        for n in declaring.get(id(d.chain), ()):
            if n not in d.symbols:
                step_ranges[n] = f"{_statement(d.chain, drafts)} (line {d.line}), which this display declares"
        if d.error is None and d.defines is None and not d.context and not any("\\in \\{" in it for it in items):
            # a finite set of numbers ("$y \\in \\{0, 1\\}$") is checked at each of its values, exactly
            texts = " ".join([d.lhs, d.rhs, *(drafts[j].rhs for j in uses)])
            sets = [(n, _finite_set(w)) for n, w in sorted(ranges.items()) if _may_mention(texts, n)]
            sets = [(n, vals) for n, vals in sets if vals]
            # an inequality between columns is no order derive knows: there the set stays a range
            if len(sets) == 1 and sets[0][0] not in d.symbols and d.rel.relation in (Relation.EQ, Relation.APPROX):
                name, vals = sets[0]
                items.append(f"{latex_of_name(name)} \\in \\{{{', '.join(vals)}\\}}")
                notes.append(f"{name} in {{{', '.join(vals)}}}, from {ranges[name]} (checked at each, in that order)")
                del step_ranges[name]
        # (\hat\mu, \hat\sigma^2) = (\bar x, s^2): two tuples of one length are equal entry by entry
        columns = tuple_sides(own_lhs, own_rhs) if d.rel.relation is Relation.EQ and d.defines is None else None
        if columns is not None and row_claim is None:
            own_lhs, own_rhs = columns
            notes.append("an equation between two tuples, checked entry by entry (as columns)")
        lhs_src, rhs_src = row_claim or (_wrap(own_lhs, items), _wrap(own_rhs, items))
        relation = d.rel.relation
        band = _written_band(d.lhs, d.rhs) if relation is Relation.APPROX and d.error is None else None
        if band is not None and not d.context and not any("\\in \\{" in it for it in items):
            # "\\approx 0.15" claims agreement to the digits written: |lhs - rhs| <= 0.005, checked exactly
            other, centre, half, said = band
            lhs_src = _wrap(f"\\left| \\left({other}\\right) - \\left({centre}\\right) \\right|", items)
            rhs_src, relation = half, Relation.LE
            notes.append(f"{said}: checked |{'rhs' if other is d.rhs else 'lhs'} - {centre}| <= {half}")
        up_to = ""
        plain = d.error is None and d.defines is None and not d.context and premise is None and row_claim is None
        proportional_in = unchecked = ""
        claim_symbols: dict[str, str] = {}  # the fresh names a "+ const" or \\propto claim adds
        held_values: tuple[str, ...] = ()  # names a "+ const" claim holds as values (V, V')
        up_to_read = False  # checked as "up to a constant" (derive.latex.constants)
        every_value: set[str] = set()  # names a claim holds for every value of (a later definition is a case)
        plain_step = d.error is None and not d.context and not d.defines and d.condition is None
        # the values the text gives elsewhere (``e = 3`` alone is a claim about Euler's number; after
        # ``e = y - wx`` it may state the error's value)
        others = {n: [said for at, said in got if at != d.rel.offset] for n, got in built_in.items()}
        euler_said = built_in_doubt(d.lhs, d.rhs, {n: v for n, v in others.items() if v}) if plain_step else ""
        if d.rel.proportional:
            op = "\\propto"  # also on a step read but not checked: the report shows the relation written
        if d.rel.proportional and d.context:
            unchecked = _UNCHECKED_MEANING["\\propto"] + ": derive does not check it here"
        if d.rel.proportional and not d.context and not _chain_variable(d, splitter):
            unchecked = (
                _UNCHECKED_MEANING["\\propto"] + ": the text does not say in which variable, so derive does not check "
                "it (write \\propto_\\theta, or say 'as a function of \\theta')"
            )
        elif d.rel.proportional and not d.context:
            # "A \\propto B" in v: A/B does not depend on v, and is positive (see `_proportion_check`)
            variable = _chain_variable(d, splitter)
            # with no expectation or probability in the sides, a random name is a value like any other:
            # the step is checked for every value, and a refutation through it stands for none (below)
            pointwise = _MOMENTS.search(f"{d.lhs} {d.rhs}") is None
            found_p = _proportion_check(d, variable, items, premise, {} if pointwise else dict(step_random))
            op = "\\propto"
            if isinstance(found_p, str):
                unchecked = found_p
            else:
                lhs_src, rhs_src, proportional_in, note, fresh = found_p
                claim_symbols.update(fresh)
                if fresh:
                    # the probability calculus holds for every law: no law, nor independence, is used, and
                    # every value of the names it conditions on (Y_0 = k defined after is one of them); the
                    # densities themselves (p, q) stay what a later definition may make them
                    step_random, joint_unstated, pointwise = (), (), False
                    notes[:] = [n for n in notes if " random, from " not in n]
                    every_value = set((names_in(f"{d.lhs} {d.rhs}") or (frozenset(), frozenset()))[0])
                    every_value -= set(constants.PROBABILITY_NAMES)
                notes.append(note)
                for n in sorted(_introduced(d.rhs, d.lhs, d.symbols, items) - {proportional_in}):
                    # N(x; m_1, s_1) N(x; m_2, s_2) \\propto N(x; m_3, s_3): m_3, s_3 may be whatever makes it hold
                    step_ranges[n] = (
                        f"{n} appears only right of \\propto, unstated: it may stand for the value that makes it hold"
                    )
                for n, law in step_random if pointwise else ():
                    # proved for every value, it holds on the law's support; refuted at a point, that point
                    # may lie outside it (the data X ~ N(mu, 1/tau) of a posterior in mu)
                    step_ranges[n] = f"{n} is random in the text ({law}); the step was checked for every value of it"
                if pointwise and step_random:
                    notes[:] = [n for n in notes if " random, from " not in n]
                    notes.append(f"{', '.join(n for n, _ in step_random)} read as values (random in the text)")
                # checked for every value of each name: whether the text says they are independent does not matter
                step_random, joint_unstated = ((), ()) if pointwise else (step_random, joint_unstated)
        elif euler_said:
            unchecked = euler_said  # read, not checked: which e is meant?
        elif plain and d.rel.relation is Relation.EQ:
            # every name an earlier draft defines or puts a condition on, also those right before this
            # step (the loop below records them only after the claim is built): "Let $c = 5$" settles c
            earlier = {drafts[j].defines[0] for j in range(i) if drafts[j].defines}  # type: ignore[index]
            earlier |= {drafts[j].condition[0] for j in range(i) if drafts[j].condition is not None}  # type: ignore[index]
            defined_names = {drafts[j].defines[0] for j in uses} | repeated | gone | cyclic | conditioned | earlier  # type: ignore[index]
            reading = _up_to_reading(
                d, splitter, spans=spans, items=items, step_random=step_random, settled=defined_names
            )
            # "+ C" where the prose speaks of $C$ as an object (the number of classes, a matrix) is that C
            letters = _letters_in_prose(_prose_before(splitter.doc, d.rel.offset, top_marks))
            found = additive_constant(d.lhs, d.rhs, set(d.symbols) | set(given_random) | defined_names | letters)
            check = (
                _constant_check((d.lhs, d.rhs), found, items, d.symbols, d.values, random=frozenset(given_random))
                if found
                else None
            )
            # one constant on one side, no variable named: the difference is compared at one point (as before)
            marked = constants.up_to_relation(splitter.doc, d.rel.offset)
            if isinstance(reading, constants.UpTo) and (reading.mode == "variable" or check is None or marked):
                # "+ \\text{const}" in V: lhs - rhs without the constants does not depend on V (derive.latex.constants)
                lhs_src, rhs_src, up_to_read = reading.lhs, reading.rhs, True
                base_items = [it for it in base_items if it.split(":=", 1)[0].strip() not in reading.held]
                claim_symbols.update(reading.symbols)
                up_to = "" if reading.certain else "\\text{const}"
                # a definition of a name the density holds given is not applied: not "read with" it either
                notes[:] = [n for n in notes if not any(n.startswith(f"{h} := ") for h in reading.held)]
                notes.append(reading.note)
                pointwise = _MOMENTS.search(f"{d.lhs} {d.rhs}") is None
                held_values = reading.values
                step_random = tuple((n, law) for n, law in step_random if n not in held_values and not pointwise)
            elif check is not None:
                up_to = found[0]  # type: ignore[index]
                lhs_src, rhs_src, point = check
                notes.append(f"up to an additive constant {up_to}: the difference without it is its value at {point}")
        if (
            d.error is None
            and not d.context
            and not up_to_read
            and constants.up_to_relation(splitter.doc, d.rel.offset)
        ):
            # "\\stackrel{c}{=}" not checked as such is never the plain equality: the sides differ by a constant
            unchecked = "= up to an additive constant (\\stackrel{c}{=}): derive could not check it as such here"
        if model_said and not unchecked:
            unchecked = model_said
        statement = f"{d.lhs} {op} {d.rhs}"
        if d.defines is not None:
            statement += f" (defines {d.defines[0]})"
        elif notes:
            statement += " [" + "; ".join(notes) + "]"
        claim = Claim(
            id=f"block {d.rel.block}, step {d.index}",
            lhs=LatexSource(lhs_src, over, bound),
            rhs=LatexSource(rhs_src, over, bound),
            relation=relation,
            symbols=tuple(sorted({**d.symbols, **claim_symbols}.items())),
            random=step_random,
            statement=statement,
            source=f"{file or '<input>'}, block {d.rel.block}",
            tags=("latex",),
            where=Location(file, d.line),
            # what an expectation may take out or factor (derive.tiers._linearity): the names the text calls
            # constants or numbers, and the groups it states independent, before the step
            nonrandom=tuple(
                sorted(
                    set(prose.constants_said())
                    | set(section.constants_for(d.rel.block))
                    | set(nonrandom_at(splitter.doc, stated_numbers, d.rel.offset))
                    | set(held_values)
                )
            ),
            independent=independent_at(
                splitter.doc,
                stated_independent,
                d.rel.offset,
                (spans or {}).get(d.rel.block, (d.rel.offset, d.rel.offset))[0] if not d.prose else d.rel.offset,
            ),
            # the moments the prose states (E[X] = mu, "X has variance sigma^2"), read like the sides
            moments=tuple(
                # under the definitions the sides are read with (m_1 := (x - m_2)/2 and "we set E[y_1] = m_1")
                (
                    LatexSource(_wrap(lhs, base_items), over, bound),
                    LatexSource(_wrap(rhs, base_items), over, bound),
                    said,
                )
                for lhs, rhs, said in expect_words.moments_at(
                    splitter.doc,
                    stated_moments,
                    d.rel.offset,
                    (spans or {}).get(d.rel.block, (d.rel.offset, d.rel.offset))[0] if not d.prose else d.rel.offset,
                )
            ),
        )
        while seen_defs < i:
            if drafts[seen_defs].defines and seen_defs not in once:
                repeated.add(drafts[seen_defs].defines[0])  # type: ignore[index]
            cond = drafts[seen_defs].condition
            if cond is not None:
                # not substituted (a case, not a definition), and not free either: a refutation
                # that gives the name a value may be outside the case the text meant
                conditions.append(
                    f"{drafts[seen_defs].lhs} = {drafts[seen_defs].rhs} (line {drafts[seen_defs].line}, {cond[1]})"
                )
                conditioned.add(cond[0])
            if drafts[seen_defs].constrains:
                c = drafts[seen_defs]
                conditions.append(f"{c.lhs} = {c.rhs} (line {c.line}, stated in the text)")
                conditioned.update(c.constrains)
            concluded = _conclusion(drafts[seen_defs])
            if concluded is not None:
                # "\\implies \\lambda = -N": a fact the text derived, not a definition; a later step
                # refuted with lambda free may hold under it, so it is not refuted; proved by it only where
                # derive proves the conclusion from its premise (derive.latex.results_concluded)
                c = drafts[seen_defs]
                how = "concluded after an arrow" if c.chain.after_arrow else "concluded in words"
                prose.conclude(concluded, f"{c.lhs} = {c.rhs} (line {c.line}, {how})")
            seen_defs += 1
        facts = prose.facts
        # "$$...$$ where we assume $\\mu_j = 0$": the display may rest on what its clause states
        clause = (
            [] if d.prose else [(n, said) for n, said in clauses.named.get(d.rel.block, ()) if n not in substitutable]
        )
        defined = tuple(sorted(repeated | gone | cyclic | conditioned | set(facts) | {n for n, _ in clause}))
        steps.append(
            Step(
                d.rel.block,
                d.index,
                d.line,
                d.lhs,
                d.rhs,
                d.rel.relation,
                claim,
                d.error,
                kind="definition" if d.defines else "step",
                defines=d.defines[0] if d.defines else None,
                premise=premise,
                premise_solution=solution,
                condition=d.chain.arrow_after and last_of[id(d.chain)] == i,
                unread_premise=d.chain.after_arrow and d.chain.premise is None,
                annotated=d.chain.annotated or d.condition is not None or id(d.chain) in cases,
                uses=tuple(notes),
                defined=defined,
                # a function applied from its definition in scope is not free, whatever the next part defines
                defined_after=tuple(
                    sorted(
                        _defined_after(after.get(d.rel.block, []), d.rel.offset, mark_offsets)
                        - set(applied_fns)
                        - {drafts[j].defines[0] for j in uses}  # type: ignore[index]
                        - every_value
                    )
                ),
                constants=tuple(
                    sorted(declared | set(section.constants_for(d.rel.block)) | set(d.values) | fixed_by_definition)
                ),
                premise_sides=drafts[premise].base
                if premise is not None and steps[premise].relation is Relation.EQ
                else (),
                functions=section.functions_for(d.rel.block),
                conditions=tuple(conditions)
                + tuple(facts.values())
                + _distinct_for(d, distinct, ends_of)
                + tuple(said for _, said in clause),
                ranges=tuple(sorted(step_ranges.items())),
                up_to_constant=up_to,
                proportional_in=proportional_in,
                unchecked=(unchecked or euler_said) if d.error is None else "",
                joint_unstated=joint_unstated,
                # q(x | lambda) read as its model: d/dx holds its other argument lambda constant
                parameters=tuple(function_parameters(in_scope[n]) for n in applied_fns)
                + tuple(tuple(sorted(m.arguments)) for m in models_used if m.arguments),
                prose=_prose_before(splitter.doc, d.rel.offset, top_marks),
            )
        )
    return _without_context(steps, [d.context for d in drafts])


def _model_scope(
    drafts: list[_Draft], doc: str, ends: list[int], cases: set[int], spans: Mapping[int, tuple[int, int]] | None
) -> ModelScope:
    """The model statements of the displays (`derive.latex.model_statements`): the first equation of a chain (not
    after "if" or "suppose", not a condition, premise or conclusion, no definition derive reads otherwise) whose
    left side is an opaque atom no earlier definition names and whose right side is a closed form."""
    scope = ModelScope()
    defined: set[str] = set()
    sentences = sentence_text(doc) if doc else ""
    for i, d in enumerate(drafts):
        if d.defines:
            defined.add(d.defines[0])
        if d.prose or d.context or d.error is not None or d.position != 0 or d.rel.relation is not Relation.EQ:
            continue
        if d.rel.proportional or d.chain.premise is not None or d.chain.after_arrow or d.chain.arrow_after:
            continue
        if d.chain.annotated or d.defines or d.restates is not None or d.condition is not None:
            continue
        found = model_statement(d.lhs, d.rhs, d.line, d.symbols)
        if found is None or found.head in defined:
            continue
        # "For example, with three heads, $$P(X | theta) = theta^3$$", "... but this is wrong": no model, a claim
        hedged = bool(doc) and _hedged(d, doc, sentences, _math_end(d, doc, spans), _MODEL_HEDGE)
        if doc and _model_limited(d, found, doc, sentences, _math_end(d, doc, spans)):
            continue  # "$$q(x | lambda) = lambda e^{-lambda x}$$ for $x \\geq 0$": a piece of the model, not all of it
        until = min(ends[i], _item_end(doc, d.rel.offset)) if doc else ends[i]
        scope.add(
            i,
            found,
            until,
            d.rel.offset,
            lambda a, b, d=d: _provably_equal(a, b, d.symbols),  # type: ignore[misc]
            values=lambda j, i=i: _values_between(drafts, j, i),  # type: ignore[misc]
            case=id(d.chain) in cases or hedged,  # "If ..., then $$P(X|theta) = ...$$": no model, checked only
        )
    return scope


def _model_limited(d: _Draft, found: ModelStatement, doc: str, sentences: str, end: int) -> bool:
    """Whether a model statement holds on part of its arguments only: the row's own condition, or a clause before
    or after it that limits them ("for $x \\geq 0$", "otherwise", "on $[0, 1]$"), as for a function (`_domain`)."""
    if d.chain.conditions or d.chain.annotated:
        return True
    params = tuple(sorted(found.arguments))
    start = d.chain.exprs[0].parts[0][0] if d.chain.exprs and d.chain.exprs[0].parts else d.rel.offset
    at = _before(sentences, start)
    before = doc[max(0, at - 400) : at]
    masked = _INLINE_MATH.sub(lambda g: " " * len(g.group()), before)
    cut = list(_SENTENCE_END.finditer(masked))
    if _limits_domain(before[cut[-1].end() :] if cut else before, _DOMAIN_BEFORE, params):
        return True
    if _FULL_STOP_BEFORE.search(doc[max(0, end - 40) : end]) or _NEW_PARAGRAPH.match(doc, end):
        return False  # "$$P(X | theta) = ... .$$" then "If we flip ...": the next sentence is no clause of it
    return _limits_domain(_EVERY_ARGUMENT.sub(" ", _clause_after(doc, end)), _DOMAIN_WORDS, params)


#: A display whose math ends its sentence (``... .$$``, ``... . \end{aligned}$$``).
_FULL_STOP_BEFORE = re.compile(r"\.\s*(?:\\end\s*\{[a-z]*\*?\}\s*)*(?:\$\$|\\\]|\\end\s*\{[a-z]*\*?\})\s*$")
_NEW_PARAGRAPH = re.compile(r"[ \t]*\n[ \t]*\n")


def _values_between(drafts: list[_Draft], j: int, i: int) -> list[tuple[str, str]]:
    """(``n_H = 9``, what the text said) for each number the prose gives a name between drafts j and i ("which has
    $n_H = 9$ and $n_T = 4$"), as a definition or as a case: a second formula of a model may follow from the first
    with them."""
    out: list[tuple[str, str]] = []
    given: dict[str, str] = {}
    for e in drafts[j + 1 : i]:
        named = e.defines[0] if e.defines and e.defines[1] else e.condition[0] if e.condition is not None else None
        if e.prose and named is not None and _is_number(e.rhs):
            if given.setdefault(named, e.rhs.strip()) != e.rhs.strip():
                return []  # "n_H = 9 ... for the second coin n_H = 3": which one? none is used
            out.append((f"{e.lhs.strip()} = {e.rhs.strip()}", f"{e.lhs.strip()} = {e.rhs.strip()} (line {e.line})"))
    return out


def _model_reading(i: int, d: _Draft, models: ModelScope, drafts: list[_Draft], anew: list[tuple[int, str]]) -> str:
    """Why draft ``i`` is not checked as a claim: it states a model (taken as given), or uses an atom the text
    gives two formulas; "" otherwise."""
    if i in models.statements:
        return "a statement of the model, taken as given for later steps"
    return models.doubt(i, d.rel.offset, f"{d.lhs} \\quad {d.rhs}")


#: Words around a display that make its equation no statement of the model, nor a definition of a function
#: (`_FALSE_WORDS`): an example, a wrong or hypothetical formula ("A tempting but false guess is", "would be").
_FALSE_WORDS = (
    r"wrong|false|incorrect\w*|mistake\w*|mistaken\w*|erroneous\w*|tempting|guess\w*|hypothetical\w*|would|could"
    r"|might|naive\w*|bogus|flawed|invalid|misconception\w*|approximation"
)
#: The sentence after a display that denies it ("This does not hold here.", "which is wrong").
_DENIED_AFTER = re.compile(
    r"\b(?:(?:does|do|did|is|are|need|needs)\s+not\s+(?:hold|true|correct|valid|apply)|(?:is|are)\s+(?:wrong|false"
    r"|incorrect|a\s+mistake|a\s+misconception)|wrong|false|incorrect|mistaken)\b",
    re.IGNORECASE,
)
_DISPLAY_CLOSE = re.compile(r"\$\$|\\\]|\\end\s*\{\s*(?:equation|align|gather|multline|eqnarray)\*?\s*\}")


def _denied_after(doc: str, at: int) -> bool:
    """Whether the sentence right after the display holding offset ``at`` denies it ("This does not hold here")."""
    close = _DISPLAY_CLOSE.search(doc, at)
    if close is None:
        return False
    after = _INLINE_MATH.sub(" x ", doc[close.end() : close.end() + 300])
    cut = _SENTENCE_END.search(after.lstrip(" .\n"))
    text = after.lstrip(" .\n")
    return _DENIED_AFTER.search(text[: cut.start()] if cut else text) is not None


_FALSE_HEDGE = re.compile(r"\b(?:" + _FALSE_WORDS + r")\b", re.IGNORECASE)
_MODEL_HEDGE = re.compile(r"\b(?:" + _FALSE_WORDS + r"|example|instance|e\.g|say)\b", re.IGNORECASE)


#: Words before a function's display that make it no definition: the text calls it false or hypothetical.
_FALSE_BEFORE = re.compile(
    r"\b(?:wrong|false|incorrect\w*|mistake\w*|mistaken\w*|erroneous\w*|tempting|guess\w*|hypothetical\w*|would"
    r"|might|naive\w*|misconception\w*|approximation|bogus|flawed|invalid)\b",
    re.IGNORECASE,
)


def _lead_in(doc: str, start: int) -> str:
    """The sentence that leads into math starting at ``start``, also one ending in a colon ("... misconception:")."""
    text = doc[max(0, start - 400) : start].rstrip().rstrip("$(\\ \n").rstrip()
    return _sentence_before(text[:-1] if text.endswith(":") else text, len(text) - text.endswith(":"))


def _introduced_as_false(d: _Draft, doc: str, sentences: str) -> str:
    """The word with which the sentence that introduces display ``d`` calls its equation false, a guess or what would
    be ("A tempting but false guess is", "**Incorrect:**", "Under independence the likelihood would be"), or ""."""
    if not sentences or not d.chain.exprs or not d.chain.exprs[0].parts:
        return ""
    start = _before(sentences, d.chain.exprs[0].parts[0][0])
    found = _FALSE_BEFORE.search(_lead_in(doc, start))
    return found.group() if found else "denied after it" if _denied_after(doc, d.rel.offset) else ""


def _hedged(d: _Draft, doc: str, sentences: str, end: int, words: re.Pattern[str]) -> bool:
    """Whether the sentence that introduces display ``d`` (math ending at ``end``), or the clause right after it
    ("... but this is wrong"), holds one of ``words``."""
    if d.prose or not d.chain.exprs or not d.chain.exprs[0].parts:
        return False
    start = _before(sentences, d.chain.exprs[0].parts[0][0])
    before = _lead_in(doc, start)
    ended = _FULL_STOP_BEFORE.search(doc[max(0, end - 40) : end]) or _NEW_PARAGRAPH.match(doc, end)
    after = "" if ended else _sentence_after(doc, end, display=True)
    return words.search(before) is not None or words.search(after) is not None or _denied_after(doc, d.rel.offset)


#: Words that say the model changes ("we now change the model", "no longer independent", "instead", "a new model").
_MODEL_CHANGE = re.compile(
    r"\b(?:chang\w*\s+(?:the|our)\s+model|model\s+chang\w*|no\s+longer|instead|(?:new|another|different|other)"
    r"\s+(?:model|likelihood|density|distribution|coin|die|data)|now\s+(?:assume|suppose|let|consider|take)"
    r"|(?:assume|suppose)\s+now)\b",
    re.IGNORECASE,
)


def _shadowed(
    j: int,
    i: int,
    m: ModelStatement,
    drafts: list[_Draft],
    anew: list[tuple[int, str]],
    *,
    doc: str,
    marks: list[int],
    derived: Mapping[int, list[tuple[str, str]]],
) -> bool:
    """Whether a name of model ``m`` (stated by draft ``j``) is given another meaning before draft ``i``: defined
    by a draft in between ("Let $\\theta = ...$"), or said anew in words ("Now let $\\theta$ be ...")."""
    found = [names_in(m.atom), names_in(m.formula)]
    if any(f is None for f in found):
        return True
    names = set().union(*(f[0] for f in found if f is not None))
    lo, hi = drafts[j].rel.offset, drafts[i].rel.offset
    if any(lo < at < hi and n in names for at, n in anew):
        return True
    if any(lo < at < hi for at in marks) or _MODEL_CHANGE.search(doc[lo:hi]):
        return True  # a heading, a part or an item in between, or "we now change the model": another model may hold
    if derived.get(j):
        # a formula derived with values (n_H = 9) ends where the text gives one of them again
        held = {item.split("=", 1)[0].strip() for item, _ in derived[j]}
        if any(e.prose and (e.defines or e.condition) and e.lhs.strip() in held for e in drafts[j + 1 : i]):
            return True
    # a number given to a name ("which has $n_H = 9$") is a value the model holds at, not another meaning; nor is
    # what the statement's own display says an argument stands for in its formula (``p(x; \theta) = ..., \quad
    # \theta = (\mu, \sigma)``)
    return any(
        e.defines and e.defines[0] in names and not _is_number(e.rhs) and not _spelled_out(e, drafts[j], m)
        for e in drafts[j + 1 : i]
    )


def _spelled_out(e: _Draft, statement: _Draft, m: ModelStatement) -> bool:
    """Whether draft ``e``, in the display of the model statement ``statement``, gives an argument of ``m`` as a
    tuple or expression of the names its formula holds (``\\theta = (\\mu, \\sigma)``): the statement's own
    parameters spelled out, not another meaning of the name."""
    if e.defines is None or e.defines[0] not in m.arguments or e.prose or e.rel.block != statement.rel.block:
        return False  # in the prose or a later display: another meaning as plausibly
    given, formula = names_in(e.rhs), names_in(m.formula)
    return given is not None and formula is not None and bool(given[0]) and given[0] <= formula[0]


def _prose_before(doc: str, at: int, marks: list[int], limit: int = 20_000) -> str:
    """The document before offset ``at`` from the last top-level mark (a section, a problem), at most
    ``limit`` characters: a description in an earlier problem does not hold in this one."""
    start = max((m for m in marks if m <= at), default=0)
    return doc[max(start, at - limit) : at]


_DECIMAL = re.compile(
    r"\s*(?P<sign>-)?\s*(?P<whole>\d*)(?:\.(?P<frac>\d+))?\s*(?P<dots>\\[lc]?dots(?![A-Za-z])|\.\.\.|…)?\s*"
)


_SPACING = re.compile(r"\\[,;:! ]|\\q?quad(?![A-Za-z])|~")


def _written_band(lhs: str, rhs: str) -> tuple[str, str, str, str] | None:
    """(the other side, the centre and half-width of the band, what the number claims) for an
    ``\\approx`` whose side is a plain number, or None (the engine's relative band).

    A rounded number claims half a unit of its last digit: ``0.15`` ±0.005, ``0.1538`` ±0.00005,
    ``15`` ±0.5. A number with dots (``0.666\\ldots``, ``0.667\\ldots`` of 2/3) is cut off or
    rounded: the value lies between half a unit nearer 0 and one unit further from 0. When both
    sides are numbers, the coarser is the written one. An integer ending in 0 (``1500``: to how
    many figures?), 0, and anything else (``1.2 \\times 10^{-3}``, ``15\\%``) give None.
    """
    found: list[tuple[int, int, str, Decimal, bool]] = []
    for k, side in enumerate((lhs, rhs)):
        m = _DECIMAL.fullmatch(_SPACING.sub(" ", side))
        if m is None or not (m.group("whole") or m.group("frac")):
            continue
        frac, dots = m.group("frac") or "", m.group("dots") is not None
        if len(frac) > 15 or len(m.group("whole")) > 15:
            continue
        if not frac and not dots and m.group("whole").endswith("0"):
            return None  # "1049 \\approx 1000": to how many figures? (the refutation says, see refutation.py)
        value = Decimal(f"{m.group('sign') or ''}{m.group('whole') or '0'}.{frac or '0'}")
        found.append((len(frac), k, side, value, dots))
    if not found:
        return None
    decimals, k, side, value, dots = min(found, key=lambda f: (f[0], not f[4]))
    unit = Decimal(1).scaleb(-decimals)
    places = f"the {decimals} decimal{'s' if decimals != 1 else ''}" if decimals else "the units"
    other = (lhs, rhs)[1 - k]
    written = " ".join(_SPACING.sub(" ", side).split())
    if dots:
        # cut off toward 0 (0.666... of 2/3) or rounded (0.667... of 2/3): 0.666... lies in
        # [0.6655, 0.667], -0.666... in [-0.667, -0.6655]
        centre = value + (unit / 4 if value >= 0 else -unit / 4)
        half = unit * 3 / 4
        said = f"≈ {written} is cut off or rounded after {places} written"
    else:
        centre, half = value, unit / 2
        said = f"≈ {written} agrees to {places} written"
    return other, _plain(centre), _plain(half), said


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != 0 else "0"


def _random_for(section: _Section, block: int) -> dict[str, Any]:
    """The random variables that hold in ``block``: ``random:`` and the ``random:`` of the ``scopes:``
    that cover it (later scopes win), as ``symbols:`` are read per block."""
    out = dict(section.random)
    for scope in section.scopes:
        if any(lo <= block <= hi for lo, hi in scope.ranges):
            out.update(getattr(scope, "random", None) or {})  # a scope's random: (frontmatter._Scope.random)
    return out


def _without_context(steps: list[Step], context: list[bool]) -> list[Step]:
    """The steps of the display blocks only (premise indices renumbered)."""
    if not any(context):
        return steps
    moved: dict[int, int] = {}
    kept: list[Step] = []
    for i, step in enumerate(steps):
        if not context[i]:
            moved[i] = len(kept)
            kept.append(step)
    return [s if s.premise is None else replace(s, premise=moved.get(s.premise)) for s in kept]


_BINDERS = re.compile(
    r"\\(?:int|iint|iiint|oint|sum|prod|lim|partial|nabla|max|min|sup|inf|arg|mathbb|operatorname|begin)(?![A-Za-z])"
    r"|\\[dt]?frac\s*\{\s*d|(?<![A-Za-z\\])E\s*[_\[(]|\\right\s*\||\\left\s*\."
)


def _constant_check(
    sides: tuple[str, str],
    found: tuple[str, str, str],
    items: list[str],
    symbols: dict[str, str],
    values: dict[str, str],
    *,
    random: frozenset[str] = frozenset(),
) -> tuple[str, str, str] | None:
    """The sides of "lhs - rhs without the constant equals its value at one point", or None when
    derive cannot write that safely (binders, shapes, names it cannot list).

    ``found`` is (the constant as written, the side it is on, that side without it). Equal to
    its value at one point everywhere means constant, so proved is "equal up to an additive
    constant"; refuted only says it is not constant in every name (`derive.latex.context.settle`).
    """
    lhs, rhs = sides
    _, where, without = found
    left, right = (without, rhs) if where == "lhs" else (lhs, without)
    difference = f"\\left({left}\\right) - \\left({right}\\right)"
    texts = [left, right, *items]
    if any(_BINDERS.search(t) for t in texts) or any(":=" in it or "\\in" in it for it in items):
        return None  # a bound variable cannot be given a value; definitions keep the plain reading
    names: set[str] = set()
    for t in (left, right):
        got = names_in(t)
        if got is None or got[1]:
            return None
        names |= set(got[0])
    if names & random:
        return None  # a random variable is not given a value at a point
    names -= set(values) | {"pi", "e"}
    point: list[str] = []
    for n in sorted(names):
        kind = symbols.get(n, "real")
        try:
            parsed = parse_kind(kind)
        except DeriveError:
            return None
        if parsed.is_matrix:
            return None
        point.append(f"{latex_of_name(n)} = {'1/2' if parsed.base == 'probability' else '1'}")
    if not point:
        return None
    at = ", ".join(point)
    return _wrap(difference, items), _wrap(difference, [*items, *point]), at


#: ``$C$`` in the prose, and the words that call it the constant of integration or of the idiom.
_LETTER_IN_PROSE = re.compile(r"\$\s*(?P<c>[Cc](?:'{1,2}|_\s*\{?\s*[0-9]\s*\}?)?)\s*\$")
_CALLED_CONSTANT = re.compile(
    r"\$\s*[Cc](?:'{1,2}|_\s*\{?\s*[0-9]\s*\}?)?\s*\$\s*(?:is|denotes|being)\s+(?:an?\s+|the\s+)?"
    r"(?:arbitrary\s+|additive\s+|some\s+)?const"
)


def _letters_in_prose(prose: str) -> set[str]:
    """The letters C, c (C', C_1) the prose before a step writes as ``$C$`` without calling them a constant: a name
    of the text there (the number of classes, a matrix), not the ``+ C`` of "up to a constant"."""
    if _CALLED_CONSTANT.search(prose):
        return set()
    out: set[str] = set()
    for m in _LETTER_IN_PROSE.finditer(prose):
        try:
            out.add(name_of(m.group("c")))  # C, C_1, C_prime: as `additive_constant` names them
        except DeriveError:
            continue
    return out


def _up_to_reading(
    d: _Draft,
    splitter: _Splitter,
    *,
    spans: Mapping[int, tuple[int, int]] | None,
    items: list[str],
    step_random: tuple[tuple[str, Any], ...],
    settled: set[str],
) -> constants.UpTo | str | None:
    """How a step with ``+ \\text{const}`` is checked in the variable its text or chain names
    (`derive.latex.constants.up_to_constant`), why it cannot be, or None (no such constant)."""
    marked = constants.up_to_relation(splitter.doc, d.rel.offset)
    if constants.CONST_NAME in settled:
        return "a name const is defined in the text" if marked else None
    if not (marked or constants.const_count(d.lhs) or constants.const_count(d.rhs)):
        return None
    here = (d.rel.offset, d.rel.offset)
    start, end = here if d.prose else (spans or {}).get(d.rel.block, here)
    first = d.chain.exprs[0].text(splitter.read) if d.chain.exprs else ""
    # "\\stackrel{c}{=}": lhs + const = rhs + const
    plus = " + \\text{const}" if marked else ""
    return constants.up_to_constant(
        f"{d.lhs}{plus}",
        f"{d.rhs}{plus}",
        items=items,
        symbols=d.symbols,
        random=dict(step_random),
        stated=constants.stated_variables(splitter.doc, start, end),
        density=constants.density_variables(first),
        given=constants.density_given(first),
    )


def _hidden_definition(item: tuple[_Rel, str, str, _Chain, int], splitter: _Splitter) -> bool:
    """Whether a split step is a ``f := x^2`` definition: read for the later steps, no step of its
    own (nothing to check). A malformed one (``a :=``) stays a step, whose error is reported.

    A ``\\propto`` step derive cannot check (no variable it can name, or the density itself on the
    left, ``p(\\theta|D) \\propto ...``) is no step either: its block says it holds a relation derive
    does not check (`derive.latex.splitting._UNCHECKED_MEANING`), as before proportionality was read."""
    rel, lhs, rhs, chain, k = item
    if rel.proportional:
        return False  # a step, checked in its variable or answered undecided with the reason (`Step.unchecked`)
    return chain.defining and k == 0 and _step_error(lhs, rhs, splitter.block_errors.get(rel.block)) is None


#: The density or likelihood a ``\\propto`` chain is about, and its variable: ``p(\\theta|D)`` -> θ,
#: ``L(\\mu)`` -> μ, ``p(x)`` -> x, ``\\mathcal{L}(\\theta; D)`` -> θ. One name only: ``p(x, y)`` names two.
_DENSITY = re.compile(
    r"\s*(?:p|P|q|Q|L|f|g|\\ell|\\pi|\\mathcal\s*\{\s*L\s*\})(?:\s*_\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))?"
    r"\s*(?:\\left\s*)?\(\s*(?P<v>(?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?)\s*"
    r"(?:\||\\mid(?![A-Za-z])|\\middle\s*\||;|\\right\s*\)|\))"
)
_VECTOR_FONT = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|mathbb|mathcal|mathrm|operatorname)(?![A-Za-z])")
#: Where the constancy of a ratio is checked: a point inside each scalar kind's domain (not 0 or 1,
#: where factors such as θ^k (1-θ)^{n-k} vanish).
_PROPORTION_POINT = {
    "real": "1/3", "positive": "1/3", "nonnegative": "1/3", "probability": "1/3", "integer": "2",
    "positive integer": "2",
}  # fmt: skip
#: Expectations, variances and probabilities: a side with one is about the law of its random names.
_MOMENTS = re.compile(
    r"\\mathbb\s*\{?\s*[EPV]|\\(?:operatorname|mathrm|text|textrm)\s*\{\s*(?:E|Var|Cov|P|Pr|var|cov)\s*\}|\\Pr(?![A-Za-z])"
    r"|(?<![A-Za-z\\])(?:E|P|Var|Cov|Pr|H)\s*(?:_\s*(?:\{[^{}]*\}|\S))?\s*[\[(]|\\sim(?![A-Za-z])|\\(?:mid|vert)(?![A-Za-z])|\|"
)
_PROPORTION_LIMIT = 600  # characters of the two sides read while reading the document


def _variable_of(chain: _Chain, rel: _Rel, read: Any) -> tuple[str, bool]:
    """The variable a ``\\propto`` step is about, as written, and whether the text names it
    (``\\propto_\\theta`` on this or an earlier ``\\propto`` of the chain) rather than the density
    the chain starts with (``p(\\theta|D)``); ("", False) when neither says (never guessed)."""
    for r in [rel, *chain.rels]:
        if r.proportional and r.variable:
            return ("" if _VECTOR_FONT.search(r.variable) else r.variable), True
    first = chain.exprs[0].text(read) if chain.exprs else ""
    m = _DENSITY.match(first)
    if m is None or _VECTOR_FONT.search(m.group("v")):
        # p(\\mathbf{w}|\\mathbf{y}), p(Y_0 = k|x), \\mathcal{N}(x; m, s^2): the one variable left of the bar
        # (a vector only through the probability calculus, see `_proportion_check`)
        return constants.density_variable_tex(first) or "", False
    return m.group("v"), False


def _chain_variable(d: _Draft, splitter: _Splitter) -> str:
    return _variable_of(d.chain, d.rel, splitter.read)[0]


def _proportion_check(
    d: _Draft, variable: str, items: list[str], premise: int | None, random: Mapping[str, Any]
) -> tuple[str, str, str, str, dict[str, str]] | str:
    """The sides of "A/B equals its value at one point of v" for ``A \\propto B`` in ``v`` (with the
    variable's name, a note and the fresh names the claim declares), or why derive cannot check it.
    Where both sides are probabilities alone (``p(\\theta|D) \\propto p(D|\\theta) p(\\theta)``) the ratio is
    compared with itself at a fresh value of v instead (`derive.latex.constants.proportional_by_probability`).

    ``A \\propto B`` in v holds iff A/B does not depend on v and is positive. Equal to its value at
    one point v_0 for every v means independent of v; the value there must be positive for every
    value of the other names (sympy's assumptions, from their kinds), which is checked here, so a
    negative or zero factor, or one of unknown sign, is never accepted: it is not checked at all.
    """
    meaning = f"\\propto (equal up to a positive factor that does not depend on {variable or 'the variable'})"

    def why(reason: str) -> str:
        return f"{meaning}: {reason}, so derive does not check it"

    import sympy  # noqa: PLC0415 - only when a proportionality is read
    from sympy.core.function import AppliedUndef  # noqa: PLC0415

    if premise is not None:
        return why("it follows an arrow")
    if any("\\in" in it for it in items):
        return why("it is read under a finite set of values")
    if len(d.lhs) + len(d.rhs) <= _PROPORTION_LIMIT:
        # Bayes' rule and its kin: probabilities alone on both sides, the ratio checked by renaming the variable
        by_calculus = constants.proportional_by_probability(
            d.lhs, d.rhs, written=variable, items=items, symbols=d.symbols
        )
        if isinstance(by_calculus, str):
            return why(by_calculus)
        if by_calculus is not None:
            return by_calculus[0], by_calculus[1], name_of(variable), by_calculus[3], by_calculus[2]
    if _VECTOR_FONT.search(variable):
        return why(f"{variable} is a vector, which derive checks only where both sides are probabilities")
    try:
        name = name_of(variable)
        kind = parse_kind(d.symbols.get(name, "real"))
        targets = [name_of(it.split(":=", 1)[0].strip()) for it in items if ":=" in it]
    except DeriveError:
        return why(f"derive cannot read {variable} as a name")
    if name in targets:
        return why(f"{variable} is defined earlier, so it is no free variable")  # definitions of others are applied
    if name in random or name in ("e", "i", "pi") or kind.is_matrix or kind.base not in _PROPORTION_POINT:
        return why(f"{variable} is not a scalar variable derive can give a value")
    if len(d.lhs) + len(d.rhs) > _PROPORTION_LIMIT:
        return why("its sides are too long to read here")
    ratio = f"\\frac{{{d.lhs}}}{{{d.rhs}}}"
    point = f"{variable} = {_PROPORTION_POINT[kind.base]}"
    try:
        table = SymbolTable(dict(d.symbols))
        sides = [parse_latex(_wrap(side, items), table) for side in (d.lhs, d.rhs)]
        at = parse_latex(_wrap(ratio, [*items, point]), table)
        if any(isinstance(e, (sympy.MatrixBase, sympy.MatrixExpr)) for e in [*sides, at]):
            return why("its sides are not scalars")
        if any(e.atoms(AppliedUndef) for e in sides):
            return why("a side applies a function derive does not know (a density it cannot write out)")
        bound = {
            str(limit[0])
            for e in sides
            for binder in e.atoms(sympy.Sum, sympy.Product, sympy.Integral)
            for limit in binder.limits
        }
        bound |= {str(v) for e in sides for der in e.atoms(sympy.Derivative) for v, _ in der.variable_count}
        bound |= {str(lim.args[1]) for e in sides for lim in e.atoms(sympy.Limit)}
        free = {str(s) for e in sides for s in e.free_symbols}
        entries = {str(x.base.label) for e in sides for x in e.atoms(sympy.Indexed)}
        if name in entries:
            # p(x) \\propto \\prod_i f(x_i): a value for x would leave its entries x_i free
            return why(f"a side uses entries of {variable}, which one value of {variable} does not fix")
        if name in bound:
            return why(f"{variable} is bound inside a side (a sum, product, integral or derivative over it)")
        if free & set(random):
            return why("a side uses a random variable")
        if name not in free:
            return why(f"neither side depends on {variable}")
        positive = sympy.count_ops(at) <= 200 and _positive(at)
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return why("derive cannot read its sides here")
    if not positive:
        return why(
            f"the factor (left side / right side at {point}) is not known to be positive; declare the sign of "
            "the names in it (front matter or --symbols) to check the step"
        )
    note = f"\\propto in {variable}: checked that left side / right side is its value at {point}, which is positive"
    return _wrap(ratio, items), _wrap(ratio, [*items, point]), name, note, {}


def _introduced(rhs: str, lhs: str, symbols: Mapping[str, str], items: list[str]) -> set[str]:
    """The names ``rhs`` writes that ``lhs`` does not (nor a definition it is read under), none declared or
    defined: parameters a proportionality introduces (``\\propto \\mathcal{N}(x; m_3, s_3^2)``), which the
    text may mean as "for some m_3, s_3" or define below; every name ("*") when they cannot be listed."""
    bodies = " ".join(it.split(":=", 1)[1] for it in items if ":=" in it)
    right, left = names_in(rhs), names_in(f"{lhs} {bodies}")
    if right is None or left is None:
        return {"*"}
    defined = {it.split(":=", 1)[0].strip() for it in items if ":=" in it}
    return {n for n in right[0] - left[0] if n not in symbols and latex_of_name(n) not in defined}


def _positive(e: Any) -> bool:
    """Whether ``e`` is positive wherever it is defined, reading products, powers and exponentials
    factor by factor (sympy does not say that ``\\prod_i e^{-x_i^2}`` or ``e^{-\\mu^2/\\sigma^2}`` is)."""
    import sympy  # noqa: PLC0415

    if e.is_positive:
        return True
    if isinstance(e, sympy.Mul):
        # |s| s^{-2}, |s| e^{-x^2/s^2} (a Gaussian density's 1/sqrt(2 pi s^2) over another): |s| vanishes only
        # where a power s^{-k} in the product is undefined
        undefined_at = {f.base for f in e.atoms(sympy.Pow) if f.exp.is_negative is True}  # anywhere in it
        undefined_at |= {b.args[0] for b in list(undefined_at) if isinstance(b, sympy.Abs)}
        return all(
            _positive(f) or (isinstance(f, sympy.Abs) and f.args[0] in undefined_at and _real(f.args[0]))
            for f in e.args
        )
    if isinstance(e, sympy.Pow):
        # |sigma|^{-1}: defined only where the base is nonzero, and positive there
        # s^{-2} of a real s likewise: an even power, nonzero where defined
        around_zero = e.exp.is_negative is True and (e.base.is_nonnegative is True or (_real(e.base) and e.exp.is_even))
        return (_positive(e.base) or around_zero) and _real(e.exp)
    if isinstance(e, sympy.exp):
        return _real(e.args[0])
    if isinstance(e, sympy.Product):
        return _positive(e.function)  # an empty product is 1
    return False


def _real(e: Any) -> bool:
    """Whether ``e`` is real wherever it is defined: real names (every kind is real, and so is an
    entry ``x_i``), sums, products, integer powers, positive bases to real powers, exponentials."""
    import sympy  # noqa: PLC0415

    if e.is_real or isinstance(e, sympy.Indexed):
        return True
    if isinstance(e, (sympy.Add, sympy.Mul)):
        return all(_real(a) for a in e.args)
    if isinstance(e, sympy.Pow):
        return (_real(e.base) and e.exp.is_integer is True) or (_positive(e.base) and _real(e.exp))
    if isinstance(e, sympy.exp):
        return _real(e.args[0])
    if isinstance(e, (sympy.Sum, sympy.Product)):
        return _real(e.function)
    return False


_BLOCK_OPENER = re.compile(r"(?:\$\$|\\\[|\\begin\s*\{[A-Za-z*]+\}(?:\s*\{\d+\})?)\s*$")


def _block_case(doc: str, d: _Draft) -> str:
    """The case word before a display block whose first statement is ``d`` ("If\\n$$\\hat y = y$$"),
    or "". "for" is left out here: "for the logistic model we define $$...$$" defines."""
    start = d.chain.exprs[0].parts[0][0]
    opener = _BLOCK_OPENER.search(doc[max(0, start - 200) : start])
    if opener is None:
        return ""  # not the block's first statement
    word = _condition_word(doc, max(0, start - 200) + opener.start())
    return word if word in _CASE_WORDS | {"assume", "assuming", "given that"} else ""


_ORDER_TEX = {Relation.LT: "<", Relation.GT: ">", Relation.LE: "\\le", Relation.GE: "\\ge"}


def _statement(chain: _Chain, drafts: list[_Draft]) -> str:
    """A statement's LaTeX from its steps: ``0 < \\mu < 1``."""
    own = sorted((d for d in drafts if d.chain is chain), key=lambda d: d.position)
    parts = [own[0].lhs] if own else []
    for d in own:
        parts += [_ORDER_TEX.get(d.rel.relation, d.rel.relation.value), d.rhs]
    return " ".join(parts)


def _display_declarations(drafts: list[_Draft]) -> dict[int, list[tuple[int, str, str | None, str, int]]]:
    """The display statements that only declare: orders between bare names and numbers, at least one of
    each (``\\sigma > 0``, ``0 < \\mu < 1``), not after or before an arrow, not annotated. Keyed by the
    statement, each (its end, name, kind or None, its LaTeX, its line), as `declared_at` lists the prose's."""
    out: dict[int, list[tuple[int, str, str | None, str, int]]] = {}
    by_chain: dict[int, list[_Draft]] = {}
    for d in drafts:
        if not d.prose and not d.context:
            by_chain.setdefault(id(d.chain), []).append(d)
    for key, own in by_chain.items():
        chain = own[0].chain
        if chain.premise is not None or chain.after_arrow or chain.arrow_after or chain.annotated:
            continue
        if any(d.error is not None or d.rel.relation not in _ORDER_TEX for d in own):
            continue
        sides = [own[0].lhs] + [d.rhs for d in own]
        numbers = [s for s in sides if _is_number(s)]
        if not numbers or len(numbers) == len(sides) or any(len(s) > 60 for s in sides):
            continue
        said = _statement(chain, drafts)
        found = _declared_kinds(said)
        if len(found) != len(sides) - len(numbers) or {n for n, _ in found} & {"e", "i", "pi"}:
            continue  # a side that is no bare name (or a constant, e > 2): a claim, not a declaration
        end = max(d.rel.offset for d in own) + 1
        out[key] = [(end, name, kind, said, own[0].line) for name, kind in found]
    return out


#: Notation of vectors and matrices: bold, a transpose, a capital letter (derive reads it as a scalar unless declared).
_MAYBE_MATRIX = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|top|intercal|det|operatorname|mathrm\s*\{\s*tr)|[A-Z]")
_NOISE = re.compile(r"\s+|\\[,;:! ]|\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])|[{}]|[.,]\s*$")
_SAME_LIMIT = 60  # operations of a difference of two definitions that simplify may be run on while reading


_LIST_MARK = re.compile(
    r"\\item(?![A-Za-z])|\\(begin|end)\s*\{\s*(?:itemize|enumerate|exenumerate|description|compactenum|compactitem"
    r"|inparaenum|tasks)\*?\s*\}"
)


def _item_end(doc: str, at: int) -> int:
    """Where the list item holding offset ``at`` ends (the next ``\\item`` of its list, or the list's end),
    or past the document when ``at`` is in no item."""
    depth = 0
    opened: list[bool] = [False]  # per list depth: an \\item of it was seen
    marks = list(_LIST_MARK.finditer(doc))
    k = 0
    while k < len(marks) and marks[k].start() < at:
        m = marks[k]
        if m.group(1) == "begin":
            depth += 1
            opened.append(False)
        elif m.group(1) == "end" and depth:
            depth -= 1
            opened.pop()
        elif m.group(1) is None:
            opened[depth] = True
        k += 1
    if not depth or not opened[depth]:
        return len(doc) + 1
    nested = 0
    for m in marks[k:]:
        if m.group(1) == "begin":
            nested += 1
        elif m.group(1) == "end" and nested:
            nested -= 1
        elif not nested:
            return m.start()
    return len(doc) + 1


def _same_definition(a: _Draft, b: _Draft, *, restating: bool = False) -> bool:
    """Whether ``a`` and ``b`` define the same name, at the same parameters as written, with right sides
    whose difference is provably 0 (read with every name complex, so no kind is assumed; ``restating``:
    ``b`` states ``a``'s name again without defining it). Cheap or False: it runs while the document is read."""
    import sympy  # noqa: PLC0415 - only when a name is defined twice

    if a.defines is None or (b.defines is None and not restating) or a.error is not None or b.error is not None:
        return False
    if b.defines is not None and b.defines[0] != a.defines[0]:
        return False
    if not a.defines[1] and "".join(a.lhs.split()) != "".join(b.lhs.split()):
        return False  # f(x) = x^2 and f(y) = y^2: the same function, but not read as one here
    if _NOISE.sub("", a.rhs) == _NOISE.sub("", b.rhs):
        return True  # written the same (up to spacing, sizing and braces)
    if len(a.rhs) + len(b.rhs) > 600 or _MAYBE_MATRIX.search(a.rhs + " " + b.rhs):
        return False  # A B x and B A x are the same only if A and B commute, which kinds the prose gives may deny
    try:
        table = SymbolTable(dict(a.symbols))
        x, y = parse_latex(a.rhs, table), parse_latex(b.rhs, table)
        if not isinstance(x, sympy.Expr) or not isinstance(y, sympy.Expr) or x.is_Matrix or y.is_Matrix:
            return False
        diff = sympy.cancel(sympy.together(sympy.expand(x - y)))
        if diff == 0:
            return True
        return sympy.count_ops(diff) <= _SAME_LIMIT and sympy.simplify(diff) == 0
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return False


#: After the inline math of a function applied: words that give it a meaning ("with $f(x)$ as $\\log x$").
_AS_WORDS = re.compile(r"\s*(?:as|be|to\s+be|denotes?|denoting|is\s+defined\s+as|equal\s+to|for)\s*(?=\$|\\\()")


def _functions_in_words(doc: str) -> list[tuple[int, str]]:
    """(offset, name) of each function the prose defines in words: inline math that is only an application
    to names, followed by "as", "be", "denote" and more inline math ("with $f(x)$ as $\\log(x^4)$"). derive
    cannot read the new meaning, so a function defined before is not substituted after it."""
    out: list[tuple[int, str]] = []
    for m in _INLINE_MATH.finditer(doc):
        inner = m.group(0).strip("$")
        if inner.startswith("\\("):
            inner = inner[2:-2]
        if "(" not in inner or len(inner) > 100 or _AS_WORDS.match(doc, m.end()) is None:
            continue
        target = definition_target(inner.strip())
        if target is not None and not target[1]:
            out.append((m.start(), target[0]))
    return out


def _math_end(d: _Draft, doc: str, spans: Mapping[int, tuple[int, int]] | None) -> int:
    """Where the math holding ``d`` ends: its inline math, or its display block."""
    if d.prose:
        return _inline_end(doc, d.rel.offset)
    return (spans or {}).get(d.rel.block, (0, d.rel.offset))[1]


def _other_piece(i: int, drafts: list[_Draft], end: int, doc: str) -> bool:
    """Whether the scope of function definition ``drafts[i]`` (from the mark it is under to ``end``) states the
    same function as a condition too ("for $x < 0$ let $f(x) = 0$"): a piece of a function defined by cases."""
    d = drafts[i]
    start = max((at for at, _ in scope_marks(doc) if at <= d.rel.offset), default=0)
    return any(
        e.condition is not None and e.condition[0] == d.defines[0] and start <= e.rel.offset < end  # type: ignore[index]
        for e in drafts
        if e is not d
    )


def _contradicted(d: _Draft, fd: FunctionDefinition, drafts: list[_Draft], end: int, doc: str) -> bool:
    """Whether the prose in the scope of definition ``d`` states a fact of the function (``$g(0) = 0$``,
    ``$g'(x) = \\cos x$``) that the body does not provably meet: the text then means another function (or
    the definition is wrong), so it is not substituted. A fact derive cannot check counts against it."""
    start = max((at for at, _ in scope_marks(doc) if at <= d.rel.offset), default=0)
    for e in drafts:
        if e is d or not e.prose or e.defines is not None or e.condition is not None or e.error is not None:
            continue
        if e.rel.relation is not Relation.EQ or not start <= e.rel.offset < end:
            continue
        if not (_applies(e.lhs, fd.name) or _applies(e.rhs, fd.name)):
            continue
        if e.chain.exprs and e.chain.exprs[0].parts and _concluded(doc, e.chain.exprs[0].parts[0][0]):
            continue  # "Hence we find again $\\nabla J(\\w) = \\a$": a consequence the text claims, not a constraint
        lhs, rhs = (apply_functions(side, {fd.name: fd})[0] for side in (e.lhs, e.rhs))
        if _applies(lhs, fd.name) or _applies(rhs, fd.name) or not _provably_equal(lhs, rhs, e.symbols):
            return True
    return False


def _concluded(doc: str, at: int) -> bool:
    """Whether the inline math at ``at`` is stated as a consequence ("Hence we find", "so", "thus"), not given."""
    said = _sentence_before(doc, at)
    return _RESULT_WORDS.search(said) is not None and _DEFINING_WORDS.search(said) is None


def _applies(tex: str, name: str) -> bool:
    found = names_in(tex)
    return found is None or name in found[0] or any(n.startswith(name + "_prime") for n in found[0])


def _provably_equal(lhs: str, rhs: str, symbols: dict[str, str]) -> bool:
    import sympy  # noqa: PLC0415 - only when the prose states a fact of a defined function

    if len(lhs) + len(rhs) > 600:
        return False
    try:
        table = SymbolTable(dict(symbols))
        a, b = parse_latex(lhs, table), parse_latex(rhs, table)
        if not isinstance(a, sympy.Expr) or not isinstance(b, sympy.Expr):
            return False
        diff = sympy.sympify(a - b).doit()
        return bool(diff == 0 or (sympy.count_ops(diff) <= _SAME_LIMIT and sympy.simplify(diff) == 0))
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return False


# -- where a function's definition holds ------------------------------------------------------------------

#: Words of a clause beside a definition that limit where it holds ("for $x \\geq 0$", "on $[0, 1)$", "near 0
#: only", "outside", "extended with period 1"): the function is then not that body for every argument.
_DOMAIN_WORDS = re.compile(
    r"\b(?:for|on|if|when|whenever|wherever|outside|inside|near|only|except|otherwise|elsewhere|restrict\w*"
    r"|extend\w*|between|within|piecewise|periodic\w*|period|away|beyond|unless|provided|domain|interval|region"
    r"|else|negative|positive|nonnegative|nonpositive|small|large|below|above|support\w*|vanish\w*|undefined"
    r"|defined|pieces?|cases?)\b",
    re.IGNORECASE,
)
#: The same before a definition: only what cannot be a topic ("For the Gaussian we have" is one).
_DOMAIN_BEFORE = re.compile(
    r"\b(?:only|outside|inside|near|except|otherwise|elsewhere|restrict\w*|piecewise|away|beyond|else)\b",
    re.IGNORECASE,
)
#: Math that states a range of an argument: an order or set relation, or an interval ``[0, 1)``.
_DOMAIN_MATH = re.compile(
    r"[<>]|\\(?:le|leq|ge|geq|lt|gt|ne|neq|in|notin|subset|subseteq|leqslant|geqslant|setminus)(?![A-Za-z])"
    r"|^\s*(?:\\left\s*)?[\[(][^,]*,"
)
_INTERVAL = re.compile(r"^\s*(?:\\left\s*)?[\[(][^,]*,[^,]*(?:\\right\s*)?[\])]\s*$")
#: "for all $x$", "for every real $x$", "for all $x \\in \\mathbb{R}$": no limit.
_EVERY_ARGUMENT = re.compile(
    r"^\W*for\s+(?:all|every|any|each)\s+(?:real\s+)?(?:numbers?\s+|values?\s+(?:of\s+)?)?"
    r"\$\s*[A-Za-z]\w*\s*(?:\\in\s*\\mathbb\s*\{?\s*R\s*\}?\s*)?\$",
    re.IGNORECASE,
)


def _clause_after(doc: str, end: int) -> str:
    """The rest of the sentence after the math ending at ``end``, math kept as written."""
    after = doc[end : end + 300]
    masked = _INLINE_MATH.sub(lambda g: " " * len(g.group()), after)
    cut = _SENTENCE_END.search(masked)
    return after[: cut.start()] if cut else after


#: A parameter's whole space (``\\mathbf w \\in \\mathbb{R}^3``): a kind, no limit.
_WHOLE_SPACE = re.compile(r"\\in\s*\\mathbb\s*\{?\s*R\s*\}?\s*(?:\^\s*(?:\{[^{}]*\}|\w+))?\s*$")


def _limits_domain(clause: str, words: re.Pattern[str], params: tuple[str, ...]) -> bool:
    """Whether a clause limits a function's arguments: a word of ``words``, an interval, or a range of one of its
    parameters ``params`` (``$x \\geq 0$``; ``$\\mathbf w \\in \\mathbb{R}^3$`` only gives its kind)."""
    clause = _EVERY_ARGUMENT.sub(" ", clause)
    if words.search(_INLINE_MATH.sub(" x ", clause)) is not None:
        return True
    for m in _INLINE_MATH.finditer(clause):
        tex = m.group().strip("$")
        if _DOMAIN_MATH.search(tex) is None or _WHOLE_SPACE.search(tex):
            continue
        if _INTERVAL.match(tex) or any(mentions(tex, p) for p in params):
            return True
    return False


#: A clause that is only a range of the parameter ("on $[1, e^2]$", "for $x \\geq 0$"): derive reads it (`domain_set`).
_RANGE_CLAUSE = re.compile(
    r"^\s*,?\s*(?:defined\s+)?(?:for|on|over|if|when|whenever|where|with)\s+(?:all\s+)?"
    r"(?:the\s+(?:(?:closed|open|half-open)\s+)?(?:interval|domain)\s+)?\$([^$]{1,80})\$\s*(?:only)?\s*,?\s*$",
    re.IGNORECASE,
)


#: A range clause that gives the function's whole domain ("defined on", "on", "over"), not a piece of it ("for").
_DEFINED_ON = re.compile(r"^\s*,?\s*(?:defined\s+(?:on|over|for)|on|over)\b", re.IGNORECASE)


def _domain(d: _Draft, fd: FunctionDefinition, doc: str, sentences: str, end: int) -> FunctionDefinition | None:
    """Function definition ``fd`` (its draft ``d``, its math ending at ``end``) as it may be substituted: as
    written when nothing limits it, with its `FunctionDefinition.domain` when its sentence goes on with a
    range of its one parameter only ("on $[1, e^2]$"), or None when it holds on part of its arguments
    that derive cannot read: the row's own condition (``\\quad x \\geq 0``), a clause of its sentence
    (`_DOMAIN_WORDS`, a range in math, before or after it). None is substituted nowhere."""
    if (d.chain.conditions or d.chain.annotated) and not _whole_space(d):
        return None
    start = d.chain.exprs[0].parts[0][0] if d.chain.exprs and d.chain.exprs[0].parts else d.rel.offset
    at = start if d.prose else _before(sentences, start)
    before = doc[max(0, at - 400) : at].rstrip("$(\\ ") if d.prose else doc[max(0, at - 400) : at]
    masked = _INLINE_MATH.sub(lambda g: " " * len(g.group()), before)
    ends = list(_SENTENCE_END.finditer(masked))
    if _limits_domain(before[ends[-1].end() :] if ends else before, _DOMAIN_BEFORE, fd.params):
        return None
    after = _EVERY_ARGUMENT.sub(" ", _clause_after(doc, end))
    ranged = _RANGE_CLAUSE.match(after)
    if ranged is not None and len(fd.params) == 1:
        found = domain_set(ranged.group(1), fd.written[0])
        defined_on = _DEFINED_ON.match(after) is not None
        return None if found is None else replace(fd, domain=found, defined_on=defined_on)
    return None if _limits_domain(after, _DOMAIN_WORDS, fd.params) else fd


#: Words around a later mention of a defined function's bare name that give it another meaning.
_REDEFINING = re.compile(
    r"\b(?:let|take[sn]?|taking|instead|replace[sd]?|replacing|now|set|setting|redefine[sd]?|define[sd]?|denote[sd]?"
    r"|become[sd]?|change[sd]?|consider|suppose|assume|choose|chosen|pick|new|call|update[sd]?|switch\w*|be"
    r"|any|every|arbitrary|general"
    r"|is\s+(?:the|a|an|any|some|now))\b",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^\s*([^:=]{1,40}?)\s*(?::|\\colon)(?!=)")
_MAPSTO = re.compile(r"(?<![A-Za-z\\])(\\?[A-Za-z]+)\s*(?::|\\colon)[^$]{0,80}?\\(?:mapsto|to)(?![A-Za-z])")


#: The words of `_REDEFINING` that give any defined name (not only a function) a new meaning.
_ANEW = re.compile(
    r"\b(?:now|instead|replace[sd]?|replacing|redefine[sd]?|take[sn]?|taking|change[sd]?|new|switch\w*|update[sd]?)\b",
    re.IGNORECASE,
)


def redefinitions(doc: str, sentences: str, words: re.Pattern[str] = _REDEFINING) -> list[tuple[int, str]]:
    """(offset, name) of each later statement that may give a function another meaning: its signature again
    (``$f \\colon x \\mapsto x^3$``, ``$g : \\mathbb{R} \\to \\mathbb{R}$``), or its bare name in a sentence that
    sets it ("Now let $f$ be odd", "take $f$ to be the cube", "$f$ is instead the identity", "Replace $f$ by
    its negative"). A definition before it is not substituted after it."""
    out: list[tuple[int, str]] = []
    for m in _MAPSTO.finditer(doc):
        target = definition_target(m.group(1))
        if target is not None:
            out.append((m.start(), target[0]))
    for m in _INLINE_MATH.finditer(doc):
        inner = m.group().strip("$")
        if inner.startswith("\\("):
            inner = inner[2:-2]
        sig = _SIGNATURE.match(inner)
        target = definition_target((sig.group(1) if sig else inner).strip()) if len(inner) < 120 else None
        if target is None or not target[1]:
            continue
        if sig is not None or "\\mapsto" in inner:
            out.append((m.start(), target[0]))
            continue
        around = _sentence_before(sentences, m.start()) + " x " + _sentence_after(sentences, m.end(), display=False)
        if words.search(around):
            out.append((m.start(), target[0]))
    return sorted(out)


#: Words before an equation that introduce it as a result ("gives", "we get", "so", "solving ... yields"): a
#: claim to check, not a definition, unless the sentence also defines ("let", "define", "denote").
_RESULT_WORDS = re.compile(
    r"\b(?:gives?|giving|gave|get|gets|got|obtain\w*|so|hence|thus|therefore|follows?|implies|imply|yields?"
    r"|yielding|solv\w*|solution\w*|answer\w*|integrat\w*|differentiat\w*|substitut\w*|plugging|find|finds|found|becomes?|reduces?"
    r"|simplif\w*|leads?|results?|conclude[sd]?|deduce[sd]?|shows?|showing|must|consequently|then|have)\b",
    re.IGNORECASE,
)
_DEFINING_WORDS = re.compile(r"\b(?:let|define[sd]?|defining|denote[sd]?|introduce[sd]?|call|write)\b", re.IGNORECASE)


#: Words that, besides the result words, make a bare name's displayed value a result: where an optimum is.
_VALUE_WORDS = re.compile(
    r"\b(?:optim(?:um|a|al|ality)|minimi[sz](?:er|ers|ing)|maximi[sz](?:er|ers|ing)|minimum|maximum"
    r"|stationary|critical)\b",
    re.IGNORECASE,
)


def _derived(d: _Draft, drafts: list[_Draft], sentences: str, name: str, more: re.Pattern[str] | None = None) -> bool:
    """Whether a function equation ``g(x) = ...`` is introduced as a result ("Integrating $g'$ gives $$g(x) =
    \\sin x$$"): the sentence before its math (before its block, for a display) says so and defines nothing,
    and does not end by naming the function the display then gives (`introduced_by_name`)."""
    if not sentences or d.chain.defining or not d.chain.exprs or not d.chain.exprs[0].parts:
        return False
    start = d.chain.exprs[0].parts[0][0]
    if not d.prose:
        own = [
            e.chain.exprs[0].parts[0][0] for e in drafts if e.rel.block == d.rel.block and not e.prose and e.chain.exprs
        ]
        first = min(own, default=start)
        if (
            first == start
            and d.defines is None
            and introduced_by_name(sentences, _before(sentences, first), d.lhs, name)
        ):
            return False  # "We now thus maximise the function $J(\\mu, v)$, $$J(\\mu, v) = ...$$": what J is
        start = _before(sentences, first)
    said = _sentence_before(sentences, start)
    result = _RESULT_WORDS.search(said) is not None or (more is not None and more.search(said) is not None)
    return result and _DEFINING_WORDS.search(said) is None


def _concluded_value(d: _Draft, drafts: list[_Draft], sentences: str, target: tuple[str, bool]) -> bool:
    """Whether display ``d`` gives a bare name a number after a result word (`_derived`, or where an optimum
    is): the value the text found for an unknown, a conclusion. A formula in other names after the same words
    (``$$\\hat\\mu = \\frac1n \\sum_i x_i$$``, ``$$X = \\begin{pmatrix}...$$``) names what the text works with
    as often as it concludes, and stays a definition."""
    if not target[1] or d.prose or d.chain.arrow_after or d.chain.defining:
        return False
    found = names_in(d.rhs)
    if found is None or found[1]:
        return False
    if found[0]:
        # a formula stays a definition, unless the words say how it was found and derive does not confirm it (K29b)
        start = _before(sentences, d.chain.exprs[0].parts[0][0]) if d.chain.exprs and d.chain.exprs[0].parts else 0
        return bool(start) and not keeps_definition(sentences[:start], d.lhs, d.rhs)
    return _derived(d, drafts, sentences, target[0], _VALUE_WORDS)


#: A plain E read as an expectation (``E[x]``, ``E_p``, ``E\\left[``), or the expectation by its font.
_EXPECTATION_E = re.compile(
    r"(?<![A-Za-z\\])E\s*(?:_|\[|\\left\s*\[|\\big\w*\s*\[)"
    r"|\\(?:mathbb|operatorname|mathrm|mathsf|text)\s*\{?\s*E(?![A-Za-z])"
)


def _expectation_context(d: _Draft, random: tuple[tuple[str, Any], ...]) -> bool:
    """Whether step ``d`` reads some E as an expectation or has random variables: an E the text defines as a
    quantity (an error function) is then not substituted, as E(x) of a random x may be its expectation."""
    return bool(random) or _EXPECTATION_E.search(d.lhs + " " + d.rhs) is not None


#: Words that say a plain E is a quantity of its own: an error, energy, loss, cost, objective or risk.
_E_WORDS = re.compile(r"\b(?:error|energy|loss|cost|objective|risk|residual|squared)\b", re.IGNORECASE)


def _error_target(d: _Draft, drafts: list[_Draft], sentences: str) -> tuple[str, bool] | None:
    """What ``E = ...`` or ``E(\\mathbf w) = ...`` defines (`error_function_target`) when the sentence before it
    says what E is ("The error function is given by", "the energy"): without such words E(w) = ... is as plausibly
    a statement about an expectation (`derive.latex.readings`), and defines nothing."""
    own = own_function_target(d.lhs, d.rhs)
    if own is not None:
        return own  # E[w] = (w - 3)^2 / 2: a function E of its own, whatever the words (K33)
    target = error_function_target(d.lhs)
    if target is None or not sentences or not d.chain.exprs or not d.chain.exprs[0].parts:
        return None
    start = d.chain.exprs[0].parts[0][0]
    if not d.prose:
        own = [
            e.chain.exprs[0].parts[0][0] for e in drafts if e.rel.block == d.rel.block and not e.prose and e.chain.exprs
        ]
        start = _before(sentences, min(own, default=start))
    return target if _E_WORDS.search(_sentence_before(sentences, start)) else None


#: Density names (p, q, P, p_X): ``\\log p(x|\\theta) = ...`` states a density's log, which derive reads by name.
_DENSITY_LETTER = re.compile(r"^(?:p|q|P|Q|Pr|Prob)(?:_|$)")


def _log_target(d: _Draft, seen: set[str], drafts: list[_Draft]) -> tuple[str, bool] | None:
    """(L, False) when ``d`` is ``\\log L(\\theta) = body`` and L has no meaning yet, or was defined through its log
    before (a second definition: the same, or L is ambiguous; never a claim checked against the first, which the
    text may be correcting: "as we saw, $$\\log L(M) = ...$$"); marks ``d.through_log``. None otherwise: the log of
    a function defined before is a claim about it, the log of a density defines nothing."""
    through = log_definition_target(d.lhs)
    logs = {e.defines[0] for e in drafts if e.defines and e.through_log}
    if through is None or _DENSITY_LETTER.match(through[0]) or (through[0] in seen and through[0] not in logs):
        return None
    d.through_log = through[1]
    return through[0], False


#: Words that say a primed name in prose is a derivative ("the derivative $f'$", "differentiable").
_DERIVATIVE_WORDS = re.compile(r"deriv|differentia|slope|rate\s+of\s+change|tangent", re.IGNORECASE)
#: Words that give a primed name a meaning of its own, even beside a word of derivatives.
_NAMING_WORDS = re.compile(
    r"\b(?:let|denote[sd]?|define[sd]?|call(?:ed)?|another|other|second|new|updated|unrelated|different|not|model)\b",
    re.IGNORECASE,
)
_PRIMED = re.compile(r"(?<![A-Za-z\\^_])(\\?[A-Za-z]+)\s*'")


def _primes_in_prose(doc: str, sentences: str) -> set[str]:
    """The names (derive's) of functions whose primed name the prose writes in a sentence that says nothing of a
    derivative (``We compare a model $f$ with an updated model $f'$``, ``let $f'$ denote another function``):
    there f' may be an object of its own, so no step reads it as the derivative of f. A sentence that speaks
    of derivatives ("the derivative $f'$", "f is differentiable") leaves the reading."""
    out: set[str] = set()
    for m in _INLINE_MATH.finditer(doc):
        inner = m.group()
        if "'" not in inner or inner.startswith("$$"):
            continue
        around = _sentence_before(sentences, m.start()) + " x " + _sentence_after(sentences, m.end(), display=False)
        others = _derivative_of(_raw_sentence(doc, m.start(), m.end()))
        if _DERIVATIVE_WORDS.search(around) and not _NAMING_WORDS.search(around):
            # "the derivative $f'$ of $f$" keeps the reading; never "let $f'$ denote ... (not its derivative)", nor
            # "$f'$ is the derivative of $g$" (of another function)
            for p in _PRIMED.finditer(inner):
                names = _primed_names(p.group(1))
                if others - names:
                    out |= names
            continue
        for p in _PRIMED.finditer(inner):
            out |= _primed_names(p.group(1))
    return out


def _raw_sentence(doc: str, start: int, end: int) -> str:
    """The sentence around the math at ``doc[start:end]``, its math kept as written (cut at '. ' or a blank line)."""
    before = doc[max(0, start - 200) : start]
    cut = max(before.rfind(". "), before.rfind("\n\n"))
    after = doc[end : end + 200]
    stops = [i for i in (after.find(". "), after.find("\n\n")) if i >= 0]
    return before[cut + 1 :] + doc[start:end] + (after[: min(stops)] if stops else after)


def _primed_names(written: str) -> set[str]:
    """f, f_prime, f_prime_prime for the written name ``f`` (nothing when it is no name)."""
    try:
        base = name_of(written)
    except DeriveError:
        return set()
    return {base, f"{base}_prime", f"{base}_prime_prime"}


_DERIVATIVE_OF = re.compile(r"deriv\w*\s+(?:\w+\s+){0,3}?of\s+(?:the\s+function\s+)?\$([^$]{1,40})\$", re.IGNORECASE)


def _derivative_of(around: str) -> set[str]:
    """The names a sentence says a derivative is of ("the derivative of $g$"): f, or another function."""
    out: set[str] = set()
    for m in _DERIVATIVE_OF.finditer(around):
        try:
            out.add(name_of(m.group(1).split("(")[0].strip()))
        except DeriveError:
            out.add("*")
    return out


_WHOLE_SPACE_ROW = re.compile(
    r"^\s*(?:\\text\s*\{\s*(?:for\s+)?(?:all|every|any)?\s*\}\s*)?(?P<names>[^=<>]+?)\s*\\in\s*"
    r"\\mathbb\s*\{?\s*R\s*\}?\s*(?:\^\s*(?:\{[^{}]*\}|\w))?\s*[.,]?\s*$"
)


def _whole_space(d: _Draft) -> bool:
    """Whether the only condition the row of function definition ``d`` states is that its parameters lie in a
    whole space (``f_1(\\mathbf x) = \\sin(x_1), \\quad \\mathbf x \\in \\mathbb{R}^2``): a kind, no limit, so the row
    still defines the function for every argument."""
    if not d.chain.annotated or not d.chain.conditions or d.chain.premise is not None or d.chain.arrow_after:
        return False
    m = _WHOLE_SPACE_ROW.match(d.chain.conditions)
    if m is None:
        return False
    fd = function_definition(d.lhs, d.rhs, d.line)
    if fd is None:
        return False
    try:
        names = {name_of(n.strip()) for n in m.group("names").split(",")}
    except DeriveError:
        return False
    return bool(names) and names <= set(fd.params)


#: Words right before inline math that make its equation an example, not a definition ("relationships like $X = Y^2$").
_INLINE_INSTANCE = re.compile(
    r"\b(?:like|such\s+as|e\.\s?g\.,?|for\s+(?:example|instance),?|say,?|as\s+in)\s*(?:\$|\\\()?\s*$", re.IGNORECASE
)
#: Words before a definition that make it an instance of a function the text keeps general.
_INSTANCE_WORDS = re.compile(
    r"\b(?:for\s+example|for\s+instance|e\.\s?g\.|illustrat\w*|an\s+example|special\s+case|say|such\s+as)\b",
    re.IGNORECASE,
)


def _an_instance(d: _Draft, drafts: list[_Draft], sentences: str) -> bool:
    """Whether function definition ``d`` is introduced as an example ("As an illustration, take $$f(x) = x^2.$$",
    "for instance $f(x) = x^2$"): the f the text reasons about stays general, so the body is substituted nowhere."""
    if not sentences or not d.chain.exprs or not d.chain.exprs[0].parts:
        return False
    start = d.chain.exprs[0].parts[0][0]
    if not d.prose:
        own = [
            e.chain.exprs[0].parts[0][0] for e in drafts if e.rel.block == d.rel.block and not e.prose and e.chain.exprs
        ]
        start = _before(sentences, min(own, default=start))
    return _INSTANCE_WORDS.search(_sentence_before(sentences, start)) is not None


def _premise_function(pre: _Draft, in_scope: Mapping[str, FunctionDefinition]) -> FunctionDefinition | None:
    """The function the statement an arrow leads from states, read as its definition in the conclusion
    (``\\ell(\\mu) = body \\Rightarrow \\frac{d}{d\\mu} \\ell(\\mu) = ...``; ``\\log L(M) = body \\implies
    \\nabla \\log L(M) = ...`` through its log): the conclusion follows from the premise as an identity in its
    parameters. None when the premise is no such equation (not an application of a name to distinct parameters,
    each in the body; a value at a point, ``L(\\theta_0)``; a density's log), is a definition derive reads anyway,
    or names a function already defined where the step is read."""
    if pre.error is not None or pre.defines is not None or pre.condition is not None:
        return None
    if pre.rel.relation is not Relation.EQ:
        return None
    through = log_definition_target(pre.lhs)
    if through is not None and _DENSITY_LETTER.match(through[0]):
        return None  # \log p(x | \theta) = ...: a density's log, read by its name
    fd = function_definition(through[1] if through else pre.lhs, pre.rhs, pre.line)
    if fd is None or fd.name in in_scope or _at_a_point(fd):
        return None
    said = f"{pre.lhs.strip()} = {pre.rhs.strip()} (line {pre.line}){PREMISE_DEFINES}{fd.name}'s definition"
    return replace(fd, through_log=through is not None, note=said)


def _function_of(d: _Draft) -> FunctionDefinition | None:
    """The function draft ``d`` defines (``f(x) = body``), or the one it defines through its log (``\\log L(\\theta)
    = body``: only ``\\log L(a)`` reads as the body at a, its note saying so)."""
    if not d.through_log:
        return function_definition(d.lhs, d.rhs, d.line)
    fd = function_definition(d.through_log, d.rhs, d.line)
    if fd is None:
        return None
    return replace(fd, through_log=True, note=f"{d.lhs.strip()} := {d.rhs.strip()} (line {d.line})")


def _constant(tex: str, symbols: dict[str, str]) -> bool:
    """Whether ``tex`` is a number or a closed-form constant (``\\pi``, ``\\sqrt{2}``, ``\\log 2``): no free name."""
    if _is_number(tex):
        return True
    if len(tex) > 200:
        return False
    try:
        value = parse_latex(tex, SymbolTable(dict(symbols)))
        return not getattr(value, "free_symbols", {"*"})
    except (DeriveError, RecursionError, TypeError, ValueError, AttributeError):
        return False


def _parameter_given(i: int, fd: FunctionDefinition, drafts: list[_Draft], ends: list[int]) -> bool:
    """Whether a parameter of function definition ``drafts[i]`` was given a number (or a condition) before it in its
    scope ("Let $a = 2$ and $f(a) = a^2$"): the equation then as plausibly states f at that point only. A name
    defined as an expression (``v = \\sigma^2``, a reparametrisation) is still a variable."""
    return any(
        (e.defines is not None and e.defines[1] and e.defines[0] in fd.params and _constant(e.rhs, e.symbols))
        or (e.condition is not None and e.condition[0] in fd.params)
        for j, e in enumerate(drafts[:i])
        if drafts[i].rel.offset < ends[j]
    )


def _at_a_point(fd: FunctionDefinition) -> bool:
    """Whether ``fd`` is as plausibly a value at a point as a definition: its one parameter is indexed or marked
    (``L(\\theta_0) = \\theta_0^2``, ``f(t_1) = 2 t_1``, ``f(x_n) = ...``): the text may state L at the point
    theta_0 only, so a use at another argument is not decided through it."""
    return len(fd.params) == 1 and "_" in fd.params[0]


def _conclusion(d: _Draft) -> str | None:
    """The name an arrow's conclusion ``\\implies \\lambda = -N`` gives a value (or a value displayed after a
    result word, `_Draft.concluded`), or None."""
    if d.error is not None or d.defines is not None or d.position != 0 or d.rel.relation is not Relation.EQ:
        return None
    if d.rel.proportional or not (d.chain.after_arrow or d.concluded) or len(d.lhs) > 200:
        return None
    target = definition_target(d.lhs)
    if target is None or mentions(d.rhs, target[0]):
        return None
    return target[0]


_BARE_PI = re.compile(r"\s*\\pi\s*")
_PI_MENTION = re.compile(r"\\(?:var)?pi(?![A-Za-z])")
_NUMBER_NEAR_PI = re.compile(r"\s*(?:3\.14\d*|\\[dt]?frac\s*\{\s*22\s*\}\s*\{\s*7\s*\}|22\s*/\s*7)\s*")


def _assigned_pi(d: _Draft) -> tuple[str, bool] | None:
    """``\\pi = 0.3`` or ``\\pi = \\frac{N_1}{N}`` (a mixture weight, a prior) gives a name pi a value;
    ``\\pi = 3.14`` or ``\\pi = \\frac{22}{7}`` only approximates the constant, and defines nothing."""
    if _BARE_PI.fullmatch(d.lhs) is None or _PI_MENTION.search(d.rhs) or _NUMBER_NEAR_PI.fullmatch(d.rhs):
        return None
    return ("pi", True)


def _find_definitions(drafts: list[_Draft], doc: str = "") -> None:
    """Mark the steps that define a name (see `Step.kind`); an equation in the prose after a
    condition word, or in a sentence that does not assert it (`standing`: "It would be wrong to set
    $w = 2y$"), is a condition (`_Draft.condition`), never a definition. A display equation that states
    a plain name defined before in the same section again (`_restates`) is a claim that it agrees."""
    seen: set[str] = set()
    first: dict[str, int] = {}
    sentences = sentence_text(doc) if doc else ""
    ends = _scope_ends(drafts, doc) if doc else []
    for d in drafts:
        if d.error is not None or d.position != 0 or d.rel.relation is not Relation.EQ:
            continue
        if d.rel.proportional:
            continue  # "p(x) \\propto e^{-x}" gives p no value: it is proportional to that, not equal
        if d.chain.premise is not None or d.chain.after_arrow:
            continue  # "... \\implies x = 1": a conclusion, even when its premise cannot be read
        if d.chain.arrow_after:
            continue  # "x = 3 \\implies ...": a condition, not a definition
        if len(d.lhs) > 200:
            continue
        target = (
            definition_target(d.lhs)
            or _assigned_pi(d)
            or _error_target(d, drafts, sentences)
            or _log_target(d, seen, drafts)
        )
        if d.chain.annotated and not (target is not None and not target[1] and _whole_space(d)):
            # "\\text{at } a = 0, b = 0": conditions of their row, not definitions; the names are
            # not free afterwards either (the text may mean the case for what follows)
            if target is not None and not mentions(d.rhs, target[0]):
                d.condition = (target[0], "a condition after an annotation")
            continue
        if target is not None and d.chain.defining and mentions(d.rhs, target[0]):
            d.defines = (target[0], False)  # "x := x + 1", an update: x is not free, and not substituted
            continue
        if target is None or mentions(d.rhs, target[0]):
            if d.prose:
                d.constrains = _constrained_names(d)
            continue
        if doc and d.chain.exprs and d.chain.exprs[0].parts:
            # "A tempting but false guess is $$L(\\theta) = \\theta^2$$": a case, never a function's definition
            case = _stated_as_case(d, doc, sentences, target)
            if case:
                d.condition = (target[0], case)
                continue
        j = first.get(target[0])
        # \\log L(\\theta) given again (`_log_target`) is never a claim checked against the first
        if j is not None and not d.through_log and _restates(d, drafts[j], target, sentences, ends[j]):
            d.restates = j
            continue
        base = target[0]
        while base.endswith("_prime"):
            base = base[: -len("_prime")]
        if base != target[0] and base in seen:
            continue  # f'(x) = 3x after f(x) = x^2: a claim about f's derivative, not a new definition
        if _concluded_value(d, drafts, sentences, target):
            # "Setting the derivative to zero, we get $$\\lambda = 2$$": what the text concluded, which may be
            # wrong (its lambda minimises another function); a later step is not right by it (K29)
            d.concluded = True
            continue
        if (d.chain.arrow_after and target[0] in seen) or (
            not target[1] and not (d.through_log and j is not None) and _derived(d, drafts, sentences, target[0])
        ):
            # "L(θ) = M(θ) → ..." about an L defined before: a condition, not a new definition; "Integrating ...
            # gives $$g(x) = \\sin x$$": a result to check
            d.through_log = ""
            continue
        d.defines = target
        seen.add(target[0])
        first[target[0]] = drafts.index(d)


def _stated_as_case(d: _Draft, doc: str, sentences: str, target: tuple[str, bool]) -> str:
    """Why the text does not assert the equation ``d`` that would define ``target`` (a case after a condition
    word, a guess it calls false, a sentence that does not assert it, an example), or "" where it does."""
    word = (
        _condition_word(doc, d.chain.exprs[0].parts[0][0])
        if d.prose
        else _block_case(doc, d) or (_introduced_as_false(d, doc, sentences) if not target[1] else "")
    )
    if word:
        return f'after "{word}"'
    if d.prose and not standing(sentences, d.chain.exprs[0].parts[0][0], _inline_end(doc, d.rel.offset)):
        return "in a sentence that does not assert it"
    at = d.chain.exprs[0].parts[0][0]
    if d.prose and _INLINE_INSTANCE.search(doc[max(0, at - 60) : at]):
        # "relationships like $X = Y^2$ where Y is ...": an example, the X of the text stays general
        return "an example (like, such as)"
    return ""


#: Words before a display that make its equation a new definition of a name defined before.
_REDEFINE = re.compile(
    r"\b(?:let|now|redefine[sd]?|define[sd]?|defining|set|setting|denote[sd]?|instead|new|call|consider|suppose"
    r"|assume|case|part|problem|exercise|question|replace[sd]?|update[sd]?|iteration|step)\b",
    re.IGNORECASE,
)


def _restates(d: _Draft, first: _Draft, target: tuple[str, bool], sentences: str, end: int) -> bool:
    """Whether display equation ``d`` states the plain name that ``first`` defined again (or its
    function at the same arguments, ``F(\\theta, q)``), as a claim: in the same section, not with ``:=``,
    not after words that define anew ("let now", "define", "for the second part"), and the first a
    definition that is substituted (not a number the prose gives)."""
    if d.prose or d.context or d.chain.defining or first.defines is None:
        return False
    if not target[1] and (first.defines[1] or "".join(d.lhs.split()) != "".join(first.lhs.split())):
        return False  # a function stated again only at the same arguments, as written
    if target[1] and (not first.defines[1] or (first.prose and _is_number(first.rhs))):
        return False
    if d.rel.offset >= end or not d.chain.exprs or not d.chain.exprs[0].parts:
        return False
    start = d.chain.exprs[0].parts[0][0]
    if _BLOCK_OPENER.search(sentences[max(0, start - 200) : start]) is None:
        return True  # a later statement of its block: no prose between
    return _REDEFINE.search(_sentence_before(sentences, _before(sentences, start))) is None


def _constrained_names(d: _Draft) -> tuple[str, ...]:
    """The names a prose equation relates (``a + b = 1``; ``\\pi_k`` also as pi, whose entries
    a counterexample names ``pi_1``), or ``("*",)`` when they cannot be listed: any name then."""
    found: set[str] = set()
    for side in (d.lhs, d.rhs):
        got = names_in(side)
        if got is None:
            return ("*",)
        found |= set(got[0]) | {n.split("_", 1)[0] for n in got[0]} | set(got[1])
        found |= set(_SUBSCRIPTED.findall(side))  # \\pi_k, read as the constant's entries or not at all
    return tuple(sorted(found))


_SUBSCRIPTED = re.compile(r"\\?([A-Za-z]+)\s*_")


#: Problem labels homework writes as plain text at the start of a line (``Problem 2.``, ``\\textbf{Exercise 3.2}``,
#: ``Q2.``): each ends what was declared under the problem before it, like a ``**Problem 2.**`` line.
_LABEL_OPENER = (
    r"^[ \t]*(?:\\noindent\s*)?(?:\\(?:textbf|emph|textit|underline|textsc)\s*\{|\{\s*\\bf\s+|\*\*?|__?)?[ \t]*"
)
_PROBLEM_LINE = re.compile(
    _LABEL_OPENER + r"(?:(?:problem|exercise|question|task|homework)\s*\d|q\s*\d)", re.IGNORECASE | re.MULTILINE
)
#: Part labels at the start of a line (``(b)``, ``Part (b).``, ``2.`` before a sentence) and theorem-like
#: environments: a part ends what its previous part declared, not what its problem or section did.
_PART_LINE = re.compile(
    _LABEL_OPENER + r"(?:part\s*(?:\([a-z]\)|[a-z](?=[.:)]))|\((?:[a-h]|i{1,3}|iv|vi{0,3}|ix|x)\)(?=[\s}.:*])"
    r"|\d{1,2}\.(?=[ \t}*]+[A-Za-z$\\]))",
    re.IGNORECASE | re.MULTILINE,
)
_THEOREM_ENV = re.compile(
    r"\\(begin|end)\s*\{\s*(lemma|theorem|proposition|corollary|example|remark|claim|conjecture|proof)\*?\s*\}"
)
_PROOF_NEXT = re.compile(r"\s*\\begin\s*\{\s*proof\*?\s*\}")
_LISTS = r"(?:itemize|enumerate|exenumerate|description|compactenum|compactitem|inparaenum|tasks)\*?"
_ITEM_MARK = re.compile(r"\\item(?![A-Za-z])|\\end\s*\{\s*" + _LISTS + r"\s*\}")
#: What opens and closes a list or a theorem-like environment: after it closes, the depth before it opened holds again.
_NESTING = re.compile(
    r"\\(begin|end)\s*\{\s*(?:" + _LISTS + r"|(lemma|theorem|proposition|corollary|example|remark|claim|conjecture"
    r"|proof)\*?)\s*\}"
)
#: The depths of those marks, under every heading (``\\paragraph`` is 6): a part or a theorem, then a list item.
PART_DEPTH, ITEM_DEPTH = 7, 8
_MATH_SPAN = re.compile(
    r"\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|(?<!\\)\$[^$]*?(?<!\\)\$"
    r"|\\begin\s*\{\s*(equation|align|alignat|gather|multline|eqnarray|flalign)(\*?)\s*\}.*?\\end\s*\{\s*\1\2\s*\}",
    re.DOTALL,
)


def scope_marks(doc: str) -> list[tuple[int, int]]:
    """(offset, depth) of what ends a declaration's scope, in order: the headings (`headings`), problem
    labels in plain text (depth 1, as a bold ``**Problem**`` line), parts and theorem-like environments
    (`PART_DEPTH`: a ``\\begin{lemma}``, its ``\\end`` unless a proof follows, a proof's ``\\end``) and list
    items (`ITEM_DEPTH`). A label inside math is none (``(b)`` as an argument, ``2.`` in a sentence)."""
    found = list(headings(doc))
    math = [(m.start(), m.end()) for m in _MATH_SPAN.finditer(doc)]

    def outside(at: int) -> bool:
        k = bisect.bisect_right(math, (at, len(doc) + 1)) - 1
        return k < 0 or not math[k][0] <= at < math[k][1]

    found += [(m.start(), 1) for m in _PROBLEM_LINE.finditer(doc) if outside(m.start())]
    found += [(m.start(), PART_DEPTH) for m in _PART_LINE.finditer(doc) if outside(m.start())]
    for m in _THEOREM_ENV.finditer(doc):
        opening, env = m.group(1) == "begin", m.group(2)
        if opening and env == "proof":
            continue  # a proof goes on with what its theorem declared
        if not opening and env != "proof" and _PROOF_NEXT.match(doc, m.end()):
            continue
        found.append((m.start(), PART_DEPTH))
    found += [(m.start(), ITEM_DEPTH) for m in _ITEM_MARK.finditer(doc) if outside(m.start())]
    return sorted(set(found))


def depth_restored(doc: str) -> list[tuple[int, int]]:
    """(offset, depth) where a list or a theorem-like environment closes (a theorem with its proof): the depth
    of the scope marks in effect before it opened holds again from there, so what the prose declares after a
    list is not under that list's last item. Nothing is ended there (`scope_marks` ends the items)."""
    marks = scope_marks(doc)
    found: list[tuple[int, int, int]] = [(at, 0, depth) for at, depth in marks]
    for m in _NESTING.finditer(doc):
        env = m.group(2)
        if env and m.group(1) == "begin" and env == "proof":
            continue  # a proof goes on with its theorem
        if env and m.group(1) == "end" and env != "proof" and _PROOF_NEXT.match(doc, m.end()):
            continue
        found.append((m.start(), 1 if m.group(1) == "begin" else 2, 0))
    current, stack, out = 0, [], []
    for at, kind, depth in sorted(found):
        if kind == 0:
            current = depth
        elif kind == 1:
            stack.append(current)
        elif stack:
            current = stack.pop()
            out.append((at, current))
    return out


def _fade(prose: Prose, faded: dict[str, str], depth: int, line: int) -> None:
    """Before a scope mark of ``depth``: a part, a theorem or a list item (not a heading) may still mean what
    the part before declared ("(a) Let $x > 0$ ... (b) Show ..."), or not: the names whose kinds it ends are
    ranges from there on, so no step is proved under that kind or refuted through the name. A heading clears it."""
    if depth < PART_DEPTH:
        faded.clear()
        return
    ending = {n for n, at in prose.depth.items() if at >= depth}
    ending |= {n for n, (_, at) in prose.nonzero.items() if at >= depth}
    for name in sorted(ending):
        said = prose.kinds.get(name, prose.laws.get(name, ("", prose.ranges.get(name, ""))))[1]
        faded[name] = f"{said or name}, declared before line {line} in an earlier part: it may not hold here"


def _scope_ends(drafts: list[_Draft], doc: str) -> list[int]:
    """Where what each draft defines stops holding: the next mark of the same or a higher level
    than the one it is under (`scope_marks`), or the end of the document (before any mark)."""
    marks = scope_marks(doc) if doc else []
    in_effect = sorted([(at, 0, depth) for at, depth in marks] + [(at, 1, depth) for at, depth in depth_restored(doc)])
    out: list[int] = []
    for d in drafts:
        at = d.rel.offset
        under = [depth for offset, _, depth in in_effect if offset < at]
        depth = under[-1] if under else 0
        later = [offset for offset, level in marks if offset > at and level <= depth] if depth else []
        out.append(later[0] if later else len(doc) + 1)
    return out


#: What opens a definition clause right after a display: "where", "with", "here" and then the math itself
#: (not "where we used $...$", "which gives $...$": those state results, not definitions).
_WHERE_OPENER = re.compile(
    r"^\s*(?:\{#[^{}\n]{0,60}\}\s*)?[,.]?\s*(?:where|with|here)\s*,?\s*(?:\$|\\\()\s*$", re.IGNORECASE
)
#: ... and what joins a second definition to the first ("where $a = 1$ and $b = 2$").
_WHERE_AND = re.compile(r"^\s*(?:,\s*)?(?:and\s+)?(?:\$|\\\()\s*$", re.IGNORECASE)
#: The rest of a clause that makes its equation a case or a claim, not a definition of the display's name.
_WHERE_HEDGE = re.compile(
    r"\b(?:if|when|whenever|unless|only|otherwise|provided|assum\w*|suppos\w*|approximately|roughly|would|could"
    r"|might|should|not|say|example|instance|e\.g|limit|show\w*|prove\w*|want\w*|goal|desired|expect\w*|claim\w*"
    r"|hope\w*|asymptotic\w*|nearly|almost)\b",
    re.IGNORECASE,
)
#: "... for $j \\geq 2$", "for $k \\ne i$", "for $x \\in A$": the equation holds on part of its index only.
_WHERE_PART = re.compile(
    r"\b(?:for|on|over)\s+(?:all\s+|every\s+|each\s+|any\s+)?(?:\$|\\\()[^$]*?"
    r"(?:[<>]|\\(?:le|leq|ge|geq|lt|gt|ne|neq|in|notin|subset|subseteq|setminus)(?![A-Za-z]))",
    re.IGNORECASE,
)
#: What opens a clause about a display right after it, whatever it goes on to say ("where we assume $...$").
_WHERE_ANY = re.compile(
    r"^\s*(?:\{#[^{}\n]{0,60}\}\s*)?[,.]?\s*(?:where|with|here|in\s+which)\b[^$.;:!?]{0,80}?(?:\$|\\\()\s*$",
    re.IGNORECASE,
)


@dataclass
class _Clauses:
    """What the clauses right after the display blocks say (see `_where_definitions`)."""

    #: block -> the drafts defining a plain name for that display
    defining: dict[int, list[int]]
    #: block -> (name, what was said) of every equation of such a clause: names the display may rest on
    named: dict[int, list[tuple[str, str]]]


def _where_definitions(
    drafts: list[_Draft], doc: str, spans: Mapping[int, tuple[int, int]] | None, counts: dict[int, int]
) -> _Clauses:
    """The prose definitions of plain names in the clause right after each display block, which opens with
    "where", "with" or "here" and the math itself (``$$...$$ where $N_k = \\sum_n I_{nk}$``), ends before the
    next display, and neither hedges, doubts nor limits it to part of its index (``for $j \\geq 2$``). Each is
    the only definition of its name in its scope (``counts``): a name defined before, or again, is not given
    the clause's value. Any equation in a clause right after a display (``where we assume $\\mu = 0$``, a number,
    a hedged one) names what the display may rest on: no refutation gives that name another value."""
    out = _Clauses({}, {})
    if not spans or not doc:
        return out
    last: dict[int, int] = {}  # block -> end of the last math of its clause
    strict: dict[int, bool] = {}  # block -> whether its clause opens with the math itself
    for j, d in enumerate(drafts):
        if not d.prose or d.position != 0 or d.rel.block not in spans or not d.chain.exprs:
            continue
        if not d.chain.exprs[0].parts:
            continue
        start = d.chain.exprs[0].parts[0][0]
        lo = spans[d.rel.block][1]
        between = doc[last.get(d.rel.block, lo) : start]
        if not lo <= start or (_WHERE_ANY if d.rel.block not in last else _WHERE_AND).match(between) is None:
            continue
        end = _inline_end(doc, start)
        last[d.rel.block] = end  # "where $a = 0$ and $N_k = ...$": the clause goes on
        # (doubted or not: a refutation through the name is blocked, never a proof made)
        equation = d.error is None and d.rel.relation in (Relation.EQ, Relation.APPROX)
        target = definition_target(d.lhs) if equation else None
        for name in [target[0]] if target is not None else list(d.constrains) if equation else []:
            out.named.setdefault(d.rel.block, []).append((name, f"{d.lhs} = {d.rhs} (line {d.line}, right after it)"))
        if d.rel.block not in strict:
            # only "where $...$", "with $...$": not "where we used $...$"
            strict[d.rel.block] = _WHERE_OPENER.match(between) is not None
        if not strict[d.rel.block]:
            continue
        if not d.defines or not d.defines[1] or counts.get(j) != 1 or _is_number(d.rhs):
            continue  # "where $\\mu_j = 0$ is the mean": a fact the display may rest on, more often than a definition
        following = [a for b, (a, _) in spans.items() if b > d.rel.block]
        window = doc[end : min([end + 400, *following])]
        cut = _SENTENCE_END.search(_INLINE_MATH.sub(lambda g: " " * len(g.group()), window))
        if cut is None:
            continue  # "$$A$$ with $x = 2$ we get $$B$$": the clause opens the next display
        rest = _sentence_after(doc, end, display=False)
        if doubted_after(doc, end) or _WHERE_HEDGE.search(rest) or _WHERE_PART.search(window[: cut.start()]):
            continue
        out.defining.setdefault(d.rel.block, []).append(j)
    return out


_FAMILY = re.compile(r"([A-Za-z]+)_[A-Za-z]")
_MEMBER = re.compile(r"([A-Za-z]+)_(?:\d+|[A-Za-z]\w*)")


def _family_clash(i: int, drafts: list[_Draft], ends: list[int]) -> bool:
    """Whether ``drafts[i]`` defines one entry of a family (``N_1 = 1``) that a definition of the whole family
    (``Now let $N_k = 2k$``) in an overlapping scope may give another value, or the family itself while an
    entry is defined apart: neither is substituted then (the step that uses it is undecided, not refuted)."""
    name = drafts[i].defines[0]  # type: ignore[index]
    family, member = _FAMILY.fullmatch(name), _MEMBER.fullmatch(name)
    if member is None:
        return False
    for k, e in enumerate(drafts):
        if k == i or not e.defines or not e.defines[1] or e.defines[0] == name:
            continue
        other = e.defines[0]
        if not (drafts[i].rel.offset < ends[k] and e.rel.offset < ends[i]):
            continue
        if _FAMILY.fullmatch(other) and other.split("_", 1)[0] == member.group(1):
            return True  # N_1 := 1 beside N_k := 2k
        if family is not None and _MEMBER.fullmatch(other) and other.split("_", 1)[0] == family.group(1):
            return True  # N_k := 2k beside N_1 := 1
    return False


def _defined_after(found: list[tuple[int, str]], at: int, marks: list[int]) -> set[str]:
    """The names of ``found`` (offset, name) the prose defines after the step at ``at`` in its own scope: a
    definition under the next heading, part or item ("\\item ... use the previous result with $A = I$")
    defines the name for that part, and says nothing of the step."""
    return {name for offset, name in found if bisect.bisect_right(marks, at) == bisect.bisect_right(marks, offset)}


def _inline_end(doc: str, at: int) -> int:
    """The end of the inline math holding offset ``at`` (past its closing ``$`` or ``\\)``)."""
    m = re.compile(r"\$|\\\)").search(doc, at)
    return m.end() if m else len(doc)


def _definitions_used(
    sides: tuple[str, str], candidates: dict[str, int], drafts: list[_Draft], cache: dict[str, Any]
) -> list[int]:
    """The candidate definitions (name -> draft index) the sides use, directly or through another."""
    used: set[int] = set()
    for side in sides:
        if side not in cache:
            cache[side] = names_in(side)
        if cache[side] is None:
            # the step's own text cannot even be tokenized (U+FFFD, a lone backslash): it is an
            # error whatever it is read under, and its message must name its own fragment
            return []
    todo = list(sides)
    while todo:
        tex = todo.pop()
        if tex not in cache:
            cache[tex] = names_in(tex)
        found = cache[tex]
        if found is None:
            hits = set(candidates.values())
        else:
            hits = {candidates[n] for n in found[0] if n in candidates}
            hits |= _families_of_entries(found[0], candidates)
            if found[1]:
                hits |= {j for n, j in candidates.items() if n.split("_", 1)[0] in found[1]}
        if "pi" in candidates and _PI_MENTION.search(tex):
            hits.add(candidates["pi"])  # read as the constant without a table, but a name here
        for j in hits - used:
            used.add(j)
            todo.append(drafts[j].rhs)
    return sorted(used)


#: An entry (y_1, x_12, y_j under a sum over j) and the family definitions under an index letter (y_i)
#: that give its value.
_NUMBERED_ENTRY = re.compile(r"(.+)_(?:\d+|[a-z])")


def _families_of_entries(names: Iterable[str], candidates: dict[str, int]) -> set[int]:
    """The family definitions (``y_i := 2 x_i``) whose entries (``y_1``, ``y_j``) the names hold: the grammar
    reads them through the family (`derive.latex.grammar_expressions._family_instance`, and under a sum
    `derive.latex.grammar_calculus._defined_family`)."""
    hits: set[int] = set()
    for name in names:
        m = _NUMBERED_ENTRY.fullmatch(name)
        if m is not None:
            hits |= {j for n, j in candidates.items() if re.fullmatch(re.escape(m.group(1)) + "_[i-n]", n)}
    return hits


def _composition_order(used: list[int], drafts: list[_Draft], cache: dict[str, Any]) -> list[int]:
    r"""The used definitions in the order an evaluation bar must apply them: each after the ones
    its right side uses (``\hat y := \sigma(a)`` after ``a := w x + b``, even when the text
    defines a second), so substitution composes. A bar reads each value under the definitions
    listed before it; read in document order, σ(a) would keep a free. Definitions on a cycle
    (``a := 2b``, ``b := a/2``) cannot be composed: they are left out, whatever uses them.
    """
    by_name = {drafts[j].defines[0]: j for j in used if drafts[j].defines}  # type: ignore[index]
    deps: dict[int, set[int]] = {}
    for j in used:
        found = cache.get(drafts[j].rhs)
        if found is None:
            found = cache[drafts[j].rhs] = names_in(drafts[j].rhs)
        names = set(by_name) if found is None else set(found[0])
        if found is not None and found[1]:
            names |= {n for n in by_name if n.split("_", 1)[0] in found[1]}
        deps[j] = {by_name[n] for n in names if n in by_name and by_name[n] != j}
    order: list[int] = []
    state: dict[int, int] = {}  # 1: being visited, 2: placed
    cyclic: set[int] = set()
    for root in used:  # depth-first, with an explicit stack: a long chain of definitions is no recursion
        if state.get(root):
            continue
        stack: list[tuple[int, list[int]]] = [(root, sorted(deps[root]))]
        state[root] = 1
        while stack:
            j, todo = stack[-1]
            if not todo:
                stack.pop()
                state[j] = 2
                order.append(j)
                continue
            k = todo.pop(0)
            if state.get(k) == 1:
                path = [item for item, _ in stack]
                cyclic.update(path[path.index(k) :])
            elif not state.get(k):
                state[k] = 1
                stack.append((k, sorted(deps[k])))
    if not cyclic:
        return order
    # a definition that uses one on a cycle cannot be composed either
    changed = True
    while changed:
        changed = False
        for j in used:
            if j not in cyclic and deps[j] & cyclic:
                cyclic.add(j)
                changed = True
    return [j for j in order if j not in cyclic]


def _row_before(d: _Draft, drafts: list[_Draft], last_of: dict[int, int], i: int) -> int | None:
    """The draft of the equation row before ``d``'s row (``2 m_1 = x - m_2 \\\\ 3 m_1 = x``), when ``d``
    begins an equation row of its own after one, neither of them a definition; else None."""
    before = d.chain.row_before
    if before is None or d.position != 0 or d.rel.relation is not Relation.EQ or d.rel.proportional:
        return None
    j = last_of.get(id(before))
    if j is None or j >= i:
        return None
    p = drafts[j]
    if p.error is not None or p.defines is not None or p.context or p.rel.relation is not Relation.EQ:
        return None
    return j


def _may_mention(tex: str, name: str) -> bool:
    """Loose: the name's first letter or command appears (``I_k`` may use k). Evaluating at
    a value the side does not use changes nothing, so over-matching is harmless."""
    base = name.split("_", 1)[0]
    if len(base) == 1:
        return base in tex
    # a command (\alpha) or a word in a font (\mathrm{foo}): a declared function named foo was missed
    return re.search(r"(?<![A-Za-z])" + re.escape(base) + r"(?![A-Za-z])", tex) is not None


def _structures(
    uses: list[int], drafts: list[_Draft], symbols: Mapping[str, str], sides: Sequence[str]
) -> dict[int, Structure | None]:
    """What the definitions a step uses declare (`derive.latex.structure_defs`): a name the front matter or the
    prose already declares keeps that kind, and its definition is read as before."""
    out: dict[int, Structure | None] = {}
    for j in uses:
        # y = \{y_1, \ldots, y_n\}: a data set, not substituted where the step and the other definitions it
        # uses take it only as what a law is conditioned on (p(y | \mu)); anywhere else the definition stays
        read = (*sides, *(drafts[k].rhs for k in uses if k != j))
        found = structure_of(drafts[j].lhs, drafts[j].rhs) or sample_set(drafts[j].lhs, drafts[j].rhs, read)
        family = vector_family(drafts[j].lhs, drafts[j].rhs) if found is None else None
        if family is not None:
            # y_i = [y_{i1} \\ \vdots \\ y_{ip}]: p-vectors, one per sample, written out (structure_samples)
            found = Structure(f"{family.name}_{family.index}", None, None, f"{family.said} ({FAMILY_MARK})")
        out[j] = None if found is not None and found.kind is not None and found.name in symbols else found
    return out


def _substituted(found: Structure | None) -> bool:
    """Whether a used definition stays in the claim's evaluation bar (a declaration alone may read it)."""
    return found is None or found.value is not None


def _definition_item(draft: _Draft, found: Structure | None) -> str:
    return f"{draft.lhs} := {draft.rhs if found is None else found.value}"


def _definition_note(draft: _Draft, found: Structure | None) -> str:
    if found is None:
        return f"{draft.lhs} := {draft.rhs} (line {draft.line})"
    if found.value is None:
        return f"{found.said} (line {draft.line})"
    return f"{draft.lhs} := {draft.rhs} (line {draft.line}), read as {found.said}"


def _base_name(name: str) -> str:
    """``f`` of ``f_prime`` (``f_prime_prime``)."""
    while name.endswith("_prime"):
        name = name.removesuffix("_prime")
    return name


def _wrap(side: str, items: list[str]) -> str:
    return f"\\left. {side} \\right|_{{{', '.join(items)}}}" if items else side


_EXPECTATION_SUB = re.compile(
    r"(?:\\mathbb\s*\{\s*E\s*\}|\\mathbb\s+E|(?<![A-Za-z\\])E|\\(?:operatorname|mathrm)\{E\})\s*_\s*(?:\{|[A-Za-z])"
)


def _expectation_subscripts(side: str) -> Iterator[str]:
    """The subscripts of the expectations in ``side``: ``x \\sim p`` of ``E_{x \\sim p}``, ``p`` of ``E_p``."""
    for m in _EXPECTATION_SUB.finditer(side):
        if side[m.end() - 1] == "{":
            yield side[m.end() : _group_end(side, m.end() - 1) - 1]
        else:
            yield side[m.end() - 1]


def _subscript_random(
    sides: tuple[str, str], symbols: Mapping[str, str], declared: Mapping[str, Any]
) -> dict[str, Any]:
    """Random variables named in ``E_{x \\sim D}`` subscripts, for the claim's ``random``.

    Only the short subscript is read here (parsing of the sides happens in the worker); a
    subscript that cannot be read is skipped, and the worker reports it with the side.
    """
    found: dict[str, Any] = {}
    for side in sides:
        if "\\sim" not in side:
            continue
        for content in _expectation_subscripts(side):
            if "\\sim" not in content or len(content) > 500:
                continue
            try:
                table = SymbolTable(symbols)
                parse_latex(f"\\mathbb{{E}}_{{{content}}}[1]", table, random=found)
            except (DeriveError, RecursionError, MemoryError):
                continue
    return {name: dist for name, dist in found.items() if name not in declared}


def _bound_densities(
    sides: tuple[str, str], densities: Mapping[str, tuple[str, str]], taken: set[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The densities a step averages over (``E_p[...]``, ``E_{x \\sim p}[...]``) that can be bound.

    Returns their names and the random variables they add to the step. A density is left
    unbound (its expectation stays opaque, so the step is undecided rather than misread)
    when its variable is already random in the step or when two densities over the same
    variable are averaged over in one step.
    """
    if not densities:
        return (), ()
    used: set[str] = set()
    for side in sides:
        for content in _expectation_subscripts(side):
            parts = content.split("\\sim")
            try:
                name = name_of(parts[-1])
                var = name_of(parts[0]) if len(parts) == 2 else None
            except DeriveError:
                continue
            if name in densities and var in (None, densities[name][0]):
                used.add(name)
    per_var: dict[str, set[str]] = {}
    for name in used:
        per_var.setdefault(densities[name][0], set()).add(name)
    bound = sorted(n for var, names in per_var.items() if len(names) == 1 and var not in taken for n in names)
    return tuple(bound), tuple((densities[n][0], densities[n][1]) for n in bound)


def _step_error(lhs: str, rhs: str, block_error: str | None) -> str | None:
    if not lhs:
        return "nothing before the relation (a chain cannot start with a relation here)"
    if not rhs:
        return "nothing after the relation"
    for side in (lhs, rhs):
        m = _HOSTILE.search(side)
        if m:
            return str(
                LatexError(f"\\{m.group(1)} is not allowed in a step (derive never reads files or runs programs)")
            )
    if block_error and (_unbalanced(lhs) or _unbalanced(rhs)):
        return f"{block_error}: {lhs if _unbalanced(lhs) else rhs!r}"
    for side in (lhs, rhs):
        if _stray_ampersand(side):
            # said here, so a definition "a = b & c" is an error too, not a name defined
            return (
                f"a stray '&' in {side!r}: outside an alignment environment an '&' may only stand next to a "
                "relation (x &= y); derive does not guess what it joins"
            )
    return None


def _stray_ampersand(side: str) -> bool:
    """Whether a step's side holds a top-level ``&`` (`_resolve_ampersands` left it as stray)."""
    if "&" not in side:
        return False
    seps, _balanced = _scan_separators(side, align=True)  # in align mode every top-level & is a separator
    return any(side[sep.start : sep.end] == "&" for sep in seps)


def _unbalanced(tex: str) -> bool:
    _seps, balanced = _scan_separators(tex)
    return not balanced


# ----------------------------------------------------------------------------------------
# Which math of the prose states a standing assumption (see `standing`).

#: Abbreviations whose period ends no sentence ("When, as in Fig. 2, $x > 0$, ..."): blanked by `sentence_text`.
_ABBREVIATION = re.compile(
    r"(?<![A-Za-z])(?:e\.g|i\.e|resp|cf|vs|etc|al|approx|figs?|secs?|sects?|eqs?|chaps?|thms?|props?|lems?"
    r"|defs?|refs?|tabs?|algs?|cors?|rems?|probs?|ex|viz|w\.r\.t|a\.s|i\.i\.d)\.",
    re.IGNORECASE,
)
#: Words that make the math of their sentence no standing assumption, besides those of
#: `derive.latex.assumptions.negated`: contrast, a mistake, a quantifier (the statement is about
#: some or all values, not an assumption for what follows), the other case of a case split.
_DOUBT = re.compile(
    r"\b(?:unlike|mistakes?|mistaken(?:ly)?|wrong(?:ly)?|false|incorrect(?:ly)?|erroneous(?:ly)?|violated|need\s+not"
    r"|there\s+(?:is|are|exists?)|exists?|some|for\s+(?:all|every|each|any)|otherwise|whether|else|cases?)\b",
    re.IGNORECASE,
)
#: "$x$ is any real number", "Let $x$ be an arbitrary real", "$x$ may be negative": the name is a
#: real again, whatever an earlier sentence declared (`ANY_REAL`).
_ANY_REAL_WORDS = re.compile(
    r"\$(?P<a>[^$]{1,60})\$\s+(?:(?:is|be|are)\s+(?:now\s+)?(?:an?\s+)?(?:any|arbitrary|unrestricted)\s+real"
    r"|(?:may|can|could|might)\s+(?:also\s+|now\s+)?(?:be\s+negative|take\s+any\s+(?:real\s+)?value|have\s+any\s+sign))",
    re.IGNORECASE,
)
#: The kind a name gets from `_ANY_REAL_WORDS`: real, replacing any narrower kind declared before.
ANY_REAL = "any real"
#: Kinds that hold within others: a name declared both ways (``x > 0``, ``x \\in \\mathbb{R}``) has the narrower.
_WITHIN = {
    "positive": {"nonnegative", "real"},
    "nonnegative": {"real"},
    "negative": {"real"},
    "probability": {"positive", "nonnegative", "real"},
    "positive integer": {"integer", "positive", "nonnegative", "real"},
    "integer": {"real"},
}
_SCALAR_KINDS = frozenset(_WITHIN) | {"real"}


#: Words that state random variables independent ("independent", "i.i.d.", "independently drawn").
_INDEPENDENCE_WORDS = re.compile(r"\bindependen|\bi\.\s?i\.\s?d\b|\biid\b", re.IGNORECASE)


def sentence_text(doc: str) -> str:
    """The document with the periods of abbreviations (e.g., Fig., Sec.) blanked, same length:
    what `standing` cuts into sentences."""
    return _ABBREVIATION.sub(lambda m: m.group().replace(".", " "), doc)


def _before(doc: str, start: int) -> int:
    """Where the sentence before math starting at ``start`` ends: past the block's opener and the
    blank lines between (a display continues the sentence before it: "We must not assume $$x > 0$$")."""
    lo = max(0, start - 400)
    head = doc[lo:start].rstrip()
    opener = _BLOCK_OPENER.search(head)
    if opener is not None:
        head = head[: opener.start()].rstrip()
    return lo + len(head)


def _sentence_before(doc: str, at: int) -> str:
    before = _INLINE_MATH.sub(" x ", doc[max(0, at - 400) : at].rstrip("$(\\ "))
    ends = list(_SENTENCE_END.finditer(before))
    return before[ends[-1].end() :] if ends else before


def _sentence_after(doc: str, end: int, *, display: bool) -> str:
    after = doc[end : end + 400]
    after = after.lstrip() if display else after  # "$$ x > 0 $$\n\nneed not hold": the sentence goes on
    after = _INLINE_MATH.sub(" x ", after)
    cut = _SENTENCE_END.search(after)
    return after[: cut.start()] if cut else after


def doubted_after(doc: str, end: int, *, display: bool = False) -> bool:
    """Whether the rest of the sentence after the math ending at ``end`` negates or doubts it
    ("$x > 0$ is not assumed", "... need not hold", "... violated here")."""
    after = _sentence_after(doc, end, display=display)
    return bool(_NEGATION.search(after) or _DOUBT.search(after))


def standing(doc: str, start: int, end: int, *, display: bool = False) -> bool:
    """Whether the math at [start, end) of ``doc`` (see `sentence_text`) states an assumption for
    what follows: not after a case word ("If", "When") or in a negated, hedged or contrasting
    sentence ("need not hold", "Unlike ... where", "A common mistake is to assume"), not a
    quantifier ("for all $x > 0$", "there is some"), not the other case ("Otherwise, $x > 0$").
    Math that does not is read as a range: no step is proved or refuted through its names."""
    at = _before(doc, start) if display else start
    if _condition_word(doc, at) in _CASE_WORDS or negated(doc, at) or _DOUBT.search(_sentence_before(doc, at)):
        return False
    return not doubted_after(doc, end, display=display)


#: Properties the prose states in words that constrain a name's values: "$\\mathbf{y}$ is a one-hot
#: vector", "one-hot labels $y$", "$p$ is normalised", "the weights $w_i$ sum to one".
_FACT_WORDS = re.compile(
    r"\$(?P<a>[^$]{1,60})\$\s+(?:is|are|be)\s+(?:an?\s+|the\s+)?(?:one[- ]hot|normali[sz]ed"
    r"|(?:a\s+)?probabilit(?:y|ies)\s+(?:vector|distribution)|stochastic|binary|indicators?)"
    r"|one[- ]hot(?:\s+(?:encoded|encoding|label|labels|vector|vectors|target|targets))*\s+\$(?P<b>[^$]{1,60})\$"
    r"|\$(?P<c>[^$]{1,60})\$\s+(?:sums?|adds?\s+up|sum\s+up|add\s+up)\s+to\s+(?:one|1|unity)",
    re.IGNORECASE,
)


def facts_in_words(doc: str) -> list[tuple[int, int, str, str]]:
    """(offset, end, name, what was said) for each name whose values the prose constrains in words
    (one-hot, normalised, summing to one): a range, so no refutation through the name (or its
    entries) stands."""
    out: list[tuple[int, int, str, str]] = []
    for m in _FACT_WORDS.finditer(doc):
        names = _names(m.group("a") or m.group("b") or m.group("c"))
        said = " ".join(m.group().split())
        out += [(m.start(), m.end(), n.split("_", 1)[0] if m.group("c") else n, said) for n in names or ()]
    return out


#: "assume these probabilities are different", "$a$ and $b$ are distinct", "$p_1 \\neq p_2$".
_DISTINCT_WORDS = re.compile(
    r"\b(?:are|be|is)\s+(?:all\s+|pairwise\s+)?(?:different|distinct|unequal|not\s+equal)\b"
    r"|(?<!\$)\$\s*[\\\w{}^]{1,20}\s*\\(?:neq?|not\s*=)(?![A-Za-z])\s*[\\\w{}^]{1,20}\s*\$(?!\$)",
    re.IGNORECASE,
)
_INLINE = re.compile(r"\$([^$]{1,80})\$")


def distinct_in_words(doc: str) -> list[tuple[int, frozenset[str], str]]:
    """(offset, names, what was said) for each statement that some values differ: the names of the
    inline math of its sentence and the sentence before, in its paragraph. A strict inequality refuted
    only where two of them are equal is then undecided (the text excludes that case)."""
    out: list[tuple[int, frozenset[str], str]] = []
    for m in _DISTINCT_WORDS.finditer(doc):
        lo = max(0, m.start() - 300, doc.rfind("\n\n", 0, m.start()))
        hi = m.end()
        names: set[str] = set()
        for math in _INLINE.finditer(doc, lo, hi):
            got = names_in(math.group(1))
            names |= set(got[0]) if got is not None else set()
        if len(names) >= 2:
            out.append((m.start(), frozenset(names), " ".join(m.group().split())))
    return out


def _heading_after(doc: str) -> Any:
    marks = [at for at, _ in scope_marks(doc)] if doc else []
    return lambda offset: next((at for at in marks if at > offset), len(doc) + 1)


def _distinct_for(d: _Draft, distinct: list[tuple[int, frozenset[str], str]], ends_of: Any) -> tuple[str, ...]:
    """The conditions "these values differ" that hold at a strict inequality ``d`` and name two of its names."""
    if d.rel.relation not in (Relation.LT, Relation.GT) or d.prose or d.context:
        return ()
    got = names_in(f"{d.lhs} {d.rhs}")
    if got is None:
        return ()
    used = set(got[0])
    return tuple(
        f"{DISTINCT}{', '.join(sorted(names & used))} ({said}, before line {d.line})"
        for at, names, said in distinct
        if at < d.rel.offset < ends_of(at) and len(names & used) >= 2
    )


def any_real_in_words(doc: str) -> list[tuple[int, int, str, str]]:
    """(offset, end, name, what was said) for each name the prose makes any real in words."""
    out: list[tuple[int, int, str, str]] = []
    for m in _ANY_REAL_WORDS.finditer(doc):
        names = _names(m.group("a"))
        out += [(m.start(), m.end(), n, " ".join(m.group().split())) for n in names or ()]
    return out


def _within(narrow: str, wide: str) -> bool:
    return narrow == wide or wide in _WITHIN.get(narrow, ())


def _paragraph_of(doc: str) -> Any:
    breaks = [m.start() for m in re.finditer(r"\n[ \t]*\n", doc)]
    return lambda offset: bisect.bisect_left(breaks, offset)


def _sentence_of(sentences: str) -> Any:
    ends = [m.start() for m in _SENTENCE_END.finditer(_INLINE_MATH.sub(lambda g: " " * len(g.group()), sentences))]
    return lambda offset: bisect.bisect_left(ends, offset)


def _declare(
    prose: Prose, last: dict[str, tuple[int, int, str | None]], event: tuple[Any, ...], where: tuple[int, int]
) -> None:
    """Declare one name the prose declares, against what the prose declared of it before (``last``:
    name -> (paragraph, sentence, kind) of its latest declaration in the current section; ``where`` is
    this one's paragraph and sentence). In one sentence "real" adds nothing to a narrower kind (``Let
    $x > 0$ be a real number, $x \\in \\mathbb{R}$``). Any other two kinds in one paragraph (``n \\in
    \\mathbb{N}`` with ``n \\ge 0``: N with 0?; "$x > 0$. Now $x \\in \\mathbb{R}$"), or one after a range
    or a hedged one, are a correction or a case split ("some have $x < 0$; the rest $x > 0$"): a range.
    Later, a wider kind (``x \\in \\mathbb{R}`` after ``x > 0``) may restate or replace: a range too,
    unless the words say any real (`ANY_REAL`); a kind that excludes the old one replaces it."""
    _, _, _, name, kind, said, line = event
    seen = last.get(name) if name in prose.declared else None
    old = seen[2] if seen is not None else None
    paragraph = where[0]
    if kind == ANY_REAL:
        kind = "real"
    elif seen is not None and seen[0] == paragraph and old is None:
        kind = None  # "Some have $x < 0$; the rest $x > 0$": after a hedged one, a case split
    elif seen is not None and old in _SCALAR_KINDS and kind in _SCALAR_KINDS and old != kind:
        if seen[:2] == where and kind == "real":
            return  # "Let $x > 0$ be real, $x \\in \\mathbb{R}$": the narrower declaration still holds
        if seen[0] == paragraph and not (kind != "real" and old == "real" and seen[:2] == where):
            kind = None  # a correction or a case split in one paragraph: neither kind is sure
        elif seen[0] != paragraph and _within(old, kind):
            kind = None
    last[name] = (*where, kind)
    prose.declare(name, kind, said, line)
