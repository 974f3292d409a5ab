"""The LaTeX/Markdown front end: homework text -> display blocks -> chains -> steps -> sympy.

`read_document` reads a homework into a `Document` of `Block` and `Step` (each step a claim
whose sides are LaTeX fragments); `parse_latex` reads one fragment into sympy, inside the
budgeted worker; `definition_result` and `settle` read a step's result in its document.

Reading order, one module per stage:

- `derive.latex.document`: `read_document`, the document's text and its blocks' notes.
- `derive.latex.records`: `Block`, `Step`, `Document`, what reading gives.
- `derive.latex.frontmatter`: the ``derive:`` mapping, scopes, symbols files.
- `derive.latex.macros`: author macros (``\\newcommand``, ``\\DeclareMathOperator``, ``\\def``, package
  macros such as physics' ``\\pdv``): read as data, expanded with bounds before splitting.
- `derive.latex.blocks`: the display-math blocks of the text (fences, comments, code masked).
- `derive.latex.splitting`: separators, chains and `split_block`.
- `derive.latex.steps`: steps of the chains, definitions and their composition.
- `derive.latex.assumptions`: what the prose declares (kinds, finite sets, conditions).
- `derive.latex.context`: steps read in their document (`settle`, `definition_result`).
- `derive.latex.parser`: `parse_latex` and the `_Parser` core, assembled from the grammar mixins
  `grammar_expressions`, `grammar_functions`, `grammar_linear`, `grammar_calculus` and
  `grammar_probability`, over `tokens` (tokenizer and command tables) and `state`.
- `derive.latex.names`: names of fragments; `derive.latex.readings`: notation with two readings.
- `derive.latex.refutation`: refutations a real document does not support (used by `settle`).
"""

from derive.latex.context import additive_constant, definition_result, settle, solve_premise, value_tex
from derive.latex.document import MAX_DOCUMENT, read_document
from derive.latex.frontmatter import load_symbols_file, read_symbols_file
from derive.latex.macros import MacroTable, expand, load_macros, read_definitions
from derive.latex.names import (
    definition_target,
    identity_sizes,
    latex_of_name,
    mentions,
    names_in,
    transposed_names,
)
from derive.latex.parser import brace_end, derivative_constants, name_of, parse_latex, random_variables
from derive.latex.readings import ambiguous_readings, notation_readings
from derive.latex.records import Block, Document, Step
from derive.latex.splitting import split_block
from derive.latex.tokens import HOSTILE_COMMANDS, MAX_DEPTH, MAX_LENGTH

__all__ = [
    "HOSTILE_COMMANDS",
    "MAX_DEPTH",
    "MAX_DOCUMENT",
    "MAX_LENGTH",
    "Block",
    "Document",
    "MacroTable",
    "Step",
    "additive_constant",
    "ambiguous_readings",
    "brace_end",
    "definition_result",
    "definition_target",
    "derivative_constants",
    "expand",
    "identity_sizes",
    "latex_of_name",
    "load_macros",
    "load_symbols_file",
    "mentions",
    "name_of",
    "names_in",
    "notation_readings",
    "parse_latex",
    "random_variables",
    "read_definitions",
    "read_document",
    "read_symbols_file",
    "settle",
    "solve_premise",
    "split_block",
    "transposed_names",
    "value_tex",
]
