"""fazhi-kg: a knowledge graph of China's annual rule-of-law government reports."""

__version__ = "0.1.0"
