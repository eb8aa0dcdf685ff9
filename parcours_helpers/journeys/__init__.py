"""Journeys as data: one person's events in time, paths and flows, journey maps.

Submodules: :mod:`.timeline` (one person's journey), :mod:`.paths` (paths, stage flows,
persona indicators) and :mod:`.journey_map` (the journey-map table and its figure). The
functions a notebook uses most are also available here, e.g.
``journeys.plot_timeline`` and ``journeys.plot_journey_map``.
"""

from .journey_map import (
    build_journey_map,
    empty_journey_map,
    plot_journey_map,
    plot_journey_map_canvas,
)
from .timeline import example_person, journey_summary, person_events, plot_timeline

__all__ = [
    "build_journey_map",
    "empty_journey_map",
    "example_person",
    "journey_summary",
    "person_events",
    "plot_journey_map",
    "plot_journey_map_canvas",
    "plot_timeline",
]
