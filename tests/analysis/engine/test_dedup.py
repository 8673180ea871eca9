from analysis.engine import band_hashes, campaigns, signature, similarity
from analysis.engine.dedup import BANDS

TEMPLATE = (
    "Nous, parents d'enfants en situation de handicap, demandons que les dossiers MDPH soient "
    "traités en moins de trois mois, que la PCH couvre vraiment l'aide humaine nécessaire et "
    "que les aidants familiaux obtiennent un droit au répit dans chaque département de France."
)
OTHER = (
    "Le logement social manque dans notre commune : les familles attendent des années et le "
    "115 ne répond plus le soir, même pour les mères avec des bébés."
)


def test_small_edits_stay_similar_and_other_texts_do_not():
    copy = TEMPLATE.replace("trois mois", "deux mois").replace("chaque", "tout")
    assert similarity(signature(TEMPLATE), signature(copy)) >= 0.7
    assert similarity(signature(TEMPLATE), signature(OTHER)) < 0.2
    assert similarity(signature(TEMPLATE), signature(TEMPLATE)) == 1.0


def test_signature_is_deterministic_and_compact():
    assert signature(TEMPLATE) == signature(TEMPLATE)
    assert len(signature(TEMPLATE)) <= 512


def test_band_hashes_are_int64_and_equal_for_copies():
    a = band_hashes(signature(TEMPLATE))
    b = band_hashes(signature(TEMPLATE + " Merci."))
    assert len(a) == BANDS
    assert all(-(2**63) <= h < 2**63 for h in a)
    assert set(a) & set(b)
    assert not set(a) & set(band_hashes(signature(OTHER)))


def test_campaigns_group_copies_only():
    items = [(i, TEMPLATE.replace("trois", str(i % 4 + 2))) for i in range(1, 8)]
    items += [(100, OTHER), (101, "Un texte sans rapport sur la formation des éducateurs.")]
    assert campaigns(items) == [[1, 2, 3, 4, 5, 6, 7]]


def test_empty_texts():
    assert similarity(signature(""), signature("")) >= 0.0
    assert campaigns([]) == []
