"""Opinion groups: people who vote alike, found from the vote matrix (online votes: a paper
tally has no individual voters). PCA, then k-means with the number of groups chosen by the
silhouette score between 2 and 5, with a fixed seed so that a recomputation on the same
votes gives the same groups."""

from __future__ import annotations

from array import array

import numpy as np
from scipy import sparse

from egts.models import ActorCategory

from .models import Vote, VoteChoice

SEED = 0
MIN_VOTERS = 10
GROUP_COUNTS = range(2, 6)
DISTINGUISHING = 5
# Silhouette on a sample: its cost grows with the square of the voters.
SILHOUETTE_SAMPLE = 5000
VALUE = {VoteChoice.AGREE: 1, VoteChoice.DISAGREE: -1, VoteChoice.PASS: 0}


def _matrix(territory):
    """A voters × statements sparse matrix (agree 1, disagree −1, pass and none 0)."""
    from .results import _statements_in

    votes = Vote.objects.filter(statement__in=_statements_in(territory).values("pk"))
    if territory is not None:
        votes = votes.filter(territory=territory)
    voters: dict[tuple, int] = {}
    statements: dict[int, int] = {}
    # Typed arrays, not lists: 5 million votes take 45 MB here instead of half a gigabyte.
    rows, cols, values, categories = array("i"), array("i"), array("b"), []
    for user_id, session_key, statement_id, vote, category in votes.values_list(
        "user_id", "session_key", "statement_id", "vote", "actor_category"
    ).iterator(chunk_size=10_000):
        voter = voters.setdefault((user_id, session_key), len(voters))
        if voter == len(categories):
            categories.append(category)
        rows.append(voter)
        cols.append(statements.setdefault(statement_id, len(statements)))
        values.append(VALUE[vote])
    shape = (len(voters), len(statements))
    matrix = sparse.csr_matrix(
        (
            np.frombuffer(values, dtype=np.int8).astype(np.float32),
            (np.frombuffer(rows, dtype=np.int32), np.frombuffer(cols, dtype=np.int32)),
        ),
        shape=shape,
        dtype=np.float32,
    )
    return matrix, list(statements), categories, list(voters)


def _labels(points: np.ndarray) -> np.ndarray | None:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    best, best_score = None, -2.0
    for k in GROUP_COUNTS:
        if k >= len(points):
            break
        labels = KMeans(n_clusters=k, n_init=4, random_state=SEED).fit_predict(points)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(
            points, labels, sample_size=min(len(points), SILHOUETTE_SAMPLE), random_state=SEED
        )
        if score > best_score:
            best, best_score = labels, score
    return best


def _agree_shares(matrix, members) -> np.ndarray:
    sub = matrix[members]
    agree = np.asarray((sub > 0).sum(axis=0)).ravel()
    disagree = np.asarray((sub < 0).sum(axis=0)).ravel()
    voted = agree + disagree
    return np.divide(agree, voted, out=np.full(agree.shape, np.nan), where=voted > 0)


def voter_groups(*, territory):
    """(matrix, statement ids, voters' categories, voters (user id, session key), labels);
    labels is None with too few voters or statements to group."""
    from sklearn.decomposition import TruncatedSVD

    matrix, statement_ids, categories, voters = _matrix(territory)
    if matrix.shape[0] < MIN_VOTERS or matrix.shape[1] < 2:
        return matrix, statement_ids, categories, voters, None
    # Centred PCA would densify the matrix; truncated SVD is PCA's sparse counterpart.
    points = TruncatedSVD(n_components=2, random_state=SEED).fit_transform(matrix)
    return matrix, statement_ids, categories, voters, _labels(points)


def opinion_groups(*, territory) -> list[dict]:
    """[{id, size, by_actor_category {code: n}, statements [{statement, agree_share}]}],
    raw counts (suppressed when shown); empty with too few voters to group."""
    matrix, statement_ids, categories, _voters, labels = voter_groups(territory=territory)
    if labels is None:
        return []
    categories = np.array(categories)
    groups = []
    for group_id in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == group_id)
        inside = _agree_shares(matrix, members)
        outside = _agree_shares(matrix, np.flatnonzero(labels != group_id))
        gap = np.nan_to_num(np.abs(inside - outside), nan=-1.0)
        top = [i for i in np.argsort(-gap, kind="stable")[:DISTINGUISHING] if gap[i] >= 0]
        groups.append(
            {
                "id": group_id + 1,
                "size": len(members),
                "by_actor_category": {
                    code: int((categories[members] == code).sum()) for code in ActorCategory.values
                },
                "statements": [
                    {"statement": statement_ids[i], "agree_share": round(float(inside[i]), 3)}
                    for i in top
                ],
            }
        )
    return groups
