"""Helpers for the *parcours client* course: data, figures, analyses and exercises.

One module per concept of the course (see README.md). Every public function takes
and returns pandas DataFrames with documented (French) column names.
"""

__version__ = "0.1.0"
