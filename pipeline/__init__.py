"""regpipe: Chinese regulatory notices → clauses, obligations, a SQLite database and a graph."""
__version__ = "0.1.0"
