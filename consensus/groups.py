"""Opinion groups: people who vote alike, found from the vote matrix (online votes: a paper
tally has no individual voters). PCA, then k-means with the number of groups chosen by the
silhouette score between 2 and 5, with a fixed seed so that a recomputation on the same
votes gives the same groups."""

from __future__ import annotations

import numpy as np
from django.db import connection
from django.db.models import Case, F, Max, Value, When, Window
from django.db.models.functions import DenseRank
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


# Voters in the same order in both queries of _matrix (NULLs placed alike on every database).
_VOTER_ORDER = (F("user_id").asc(nulls_first=True), F("session_key").asc())
FETCH = 200_000


def _matrix(territory):
    """A voters × statements sparse matrix (agree 1, disagree −1, pass and none 0).

    Two queries whatever the number of votes: the votes, each with its voter's number
    (a dense rank in SQL) and its value, read in blocks straight into numpy arrays (five
    million votes take 60 MB, and no Python object per vote); then each voter's category.
    """
    from .results import _statements_in

    votes = Vote.objects.filter(statement__in=_statements_in(territory).values("pk"))
    if territory is not None:
        votes = votes.filter(territory=territory)
    numbered = votes.annotate(
        voter=Window(DenseRank(), order_by=_VOTER_ORDER),
        value=Case(
            *(When(vote=choice, then=Value(value)) for choice, value in VALUE.items() if value),
            default=Value(0),
        ),
    ).values_list("voter", "statement_id", "value")
    sql, params = numbered.query.sql_with_params()
    blocks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while block := cursor.fetchmany(FETCH):
            blocks.append(np.array(block, dtype=np.int64))
    triples = np.concatenate(blocks) if blocks else np.zeros((0, 3), dtype=np.int64)
    statement_ids, columns = np.unique(triples[:, 1], return_inverse=True)
    people = list(
        votes.values_list("user_id", "session_key")
        .annotate(category=Max("actor_category"))
        .order_by(*_VOTER_ORDER)
    )
    matrix = sparse.csr_matrix(
        (
            triples[:, 2].astype(np.float32),
            (triples[:, 0].astype(np.int32) - 1, columns.astype(np.int32)),
        ),
        shape=(len(people), len(statement_ids)),
        dtype=np.float32,
    )
    categories = [category for _user, _session, category in people]
    voters = [(user, session) for user, session, _category in people]
    return matrix, statement_ids.tolist(), categories, voters


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
