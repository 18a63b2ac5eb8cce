"""Safety walks (trygghetsvandringar): protocols -> observations, joins, follow-up.

* ``terms``: the vocabulary (Swedish variants -> codes): the package's neutral
  ``walk_vocabulary.yaml`` with the kommun's own ``data/raw/ordlista.yaml`` over it;
* ``protocols``: reading the walks table and the protocols into canonical columns;
* ``load``: validating, placing (coordinates, named places, areas) and splitting
  accepted from rejected rows, with row accounting;
* ``followup``: share fixed, time to fix, declined, open backlog, repeats;
* ``compare``: observation counts beside the survey's related items;

The format an analyst delivers is described in ``docs/vandringar.md``.
"""

from analysis.walks.compare import rank_correlation, walks_vs_survey
from analysis.walks.followup import (
    declined_reasons,
    default_as_of,
    followup,
    followup_table,
    observation_flags,
    repeat_pairs,
    status_as_of,
)
from analysis.walks.load import WalkDelivery, load_walks, read_walks, walk_files, walk_folder
from analysis.walks.protocols import crs_code
from analysis.walks.terms import load_walk_vocabulary, match_key, term_labels, terms_table

__all__ = [
    "WalkDelivery", "crs_code", "declined_reasons", "default_as_of", "followup",
    "followup_table", "load_walk_vocabulary", "load_walks", "observation_flags",
    "rank_correlation", "read_walks", "repeat_pairs", "status_as_of", "match_key",
    "term_labels", "terms_table", "walk_files", "walk_folder", "walks_vs_survey",
]
