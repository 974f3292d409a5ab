"""The claim language: names, symbol kinds, the function table, the grammar, claim files."""
