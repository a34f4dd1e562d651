"""Builders of large data sets, shared by `manage.py seed_scale` and the benchmarks in bench/.

Never imported by the running portal: only by that command and by bench/.

Every builder is bulk-inserted (no per-row save, no signals, no audit entries) and safe to run
again: it looks for its own rows (by a name prefix or a period name) and, when they are there,
creates nothing and returns what exists. Each runs in one transaction, so an interrupted run
leaves nothing half-made. Progress bars (tqdm) go to stderr; `quiet=True` hides them.

The volumes are arguments; the defaults are the scale issue's ("Scale and speed"): 200
formations, 50,000 applicants, 20,000 employees, 20,000 topics with 200,000 comments.
"""

from rakumpit_asn.management.scale._base import Built
from rakumpit_asn.management.scale.forums import FORUM_PREFIX, forums
from rakumpit_asn.management.scale.performance import cycle_checkpoint, reviews
from rakumpit_asn.management.scale.recruitment import (
    APPLICANT_EMAIL,
    applicants,
    recruitment_period,
)
from rakumpit_asn.management.scale.sessions import session_key_for
from rakumpit_asn.management.scale.workforce import NEEDS_PREFIX, needs_map

__all__ = [
    "APPLICANT_EMAIL",
    "FORUM_PREFIX",
    "NEEDS_PREFIX",
    "Built",
    "applicants",
    "cycle_checkpoint",
    "forums",
    "needs_map",
    "recruitment_period",
    "reviews",
    "session_key_for",
]
