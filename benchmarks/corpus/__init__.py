"""A synthetic corpus of rule-of-law government reports with known answers.

``benchmarks/make_corpus.py`` is the command; the pieces are:

* :mod:`~benchmarks.corpus.grammar` - the ``[a|b]{slot}`` template language;
* ``templates.toml`` - titles, headings and sentences of the genre, as data;
* :mod:`~benchmarks.corpus.divisions` - which real division publishes report *i*;
* :mod:`~benchmarks.corpus.report` - one report's text and its answer;
* :mod:`~benchmarks.corpus.files` - script, encoding and line ends, and the files.
"""
