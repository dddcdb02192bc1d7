"""Corpus-level derivers (see :mod:`kg.derive`); each module here registers itself by being here."""
