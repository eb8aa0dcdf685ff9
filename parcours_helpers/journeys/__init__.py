"""Journeys as data: one person's events in time, across forms and stages."""

from .timeline import plot_timeline

__all__ = ["plot_timeline"]
