"""Free-text analysis at volume (issue 18): throughput and peak memory of the engine.

Texts of 40–150 words of varied French are generated deterministically from topic
vocabularies, sentence frames, typos and sign-offs (text ``i`` is always the same, so a
chunk can be rebuilt anywhere, as a worker reads its chunk from the database). A run
fits on a deterministic sample (at most 50,000 texts), then assigns every text in chunks
of 10,000 on two worker processes (the model travels as ``to_bytes``, as it does to
Celery workers) and computes each text's MinHash signature and LSH bands.

Each size runs in a fresh process so its peak memory (main process + largest worker)
is its own. Sizes: ``BENCH_ANALYSIS_SIZES`` (default ``10000,100000``; add ``1000000``
for the issue's figure, under 20 min and 2 GiB on two cores). Run alone with
``python -m tests.bench analysis`` or ``python tests/bench/bench_analysis.py 10000``.
"""

import json
import os
import random
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

FIT_SAMPLE = 50_000
CHUNK = 10_000
WORKERS = 2

TOPICS = {
    "logement": "logement hébergement loyer expulsion bailleur appartement urgence foyer hôtel "
    "relogement insalubre propriétaire",
    "enfance": "enfant placement famille d'accueil protection jeunes majeurs parents juge "
    "éducateur foyer adolescent mineur",
    "numerique": "internet démarches en ligne ordinateur site formulaire mot de passe compte "
    "connexion écran guichet dématérialisation",
    "metiers": "salaire reconnaissance épuisement équipe recrutement éducateur assistante "
    "sociale métier poste collègues revalorisation",
    "formation": "formation école stage gratification diplôme étudiant apprentissage terrain "
    "formateur alternance institut",
    "autonomie": "personnes âgées handicap aidants domicile maintien EHPAD retraite "
    "dépendance toilette repas répit",
    "ruralite": "village campagne voiture transport bus permanence isolement commune "
    "kilomètres route mobilité bourg",
    "droits": "droits dossier allocation prestations CAF RSA non-recours justificatifs "
    "courrier caisse formulaire délai",
    "coordination": "coordination partenaires institutions information secret partagé "
    "référent réunion cloisonnement acteurs",
    "participation": "participation parole usagers avis conseil instances écoute pouvoir "
    "d'agir pair-aidance citoyenneté",
}
FRAMES = [
    "Je voudrais dire que {a} et {b} posent un vrai problème ici.",
    "Depuis des années, on parle de {a} mais rien ne change pour {b}.",
    "Dans notre territoire, {a} manque cruellement, surtout pour {b}.",
    "Il faudrait que l'État prenne enfin en compte {a} et {b}.",
    "Franchement, {a}, c'est devenu impossible, et {b} aussi.",
    "Les professionnels font ce qu'ils peuvent avec {a}, mais {b} reste un combat.",
    "Nous proposons de mieux financer {a} et de simplifier {b}.",
    "J'ai attendu des mois pour {a}, personne ne m'a expliqué {b}.",
    "Quand on vit seul, {a} et {b} deviennent des montagnes.",
    "Ce qui marche bien chez nous, c'est {a}, grâce à {b}.",
    "Les élus doivent comprendre que {a} dépend de {b}.",
    "On nous demande toujours plus sur {a} sans moyens pour {b}.",
]
FILLERS = [
    "C'est mon avis.",
    "Voilà ce que je vis au quotidien.",
    "Merci de nous écouter.",
    "Je ne suis pas la seule dans ce cas.",
    "Il y a urgence.",
    "Ça fait longtemps que ça dure.",
    "On attend des actes, pas des promesses.",
]


def text(i: int) -> str:
    """Text number ``i``: 40–150 words on a main topic, with a second topic in passing."""
    rng = random.Random(i * 7919 + 18)
    names = list(TOPICS)
    main = names[rng.randrange(len(names))]
    other = names[rng.randrange(len(names))]
    words = TOPICS[main].split()
    words_other = TOPICS[other].split()
    target = rng.randint(40, 150)
    out: list[str] = []
    count = 0
    while count < target:
        if rng.random() < 0.15:
            sentence = rng.choice(FILLERS)
        else:
            pool = words_other if rng.random() < 0.2 else words
            sentence = rng.choice(FRAMES).format(a=rng.choice(pool), b=rng.choice(pool))
        if rng.random() < 0.1:  # a typo
            j = rng.randrange(1, len(sentence) - 1)
            sentence = sentence[:j] + sentence[j + 1 :]
        if rng.random() < 0.05:  # no accents, as on a phone
            sentence = sentence.replace("é", "e").replace("è", "e").replace("à", "a")
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def _peak_mib(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _assign_chunk(args):
    """One worker's share: a chunk of texts assigned and signed."""
    model_bytes, start, stop = args
    from analysis.engine import TopicModel, band_hashes, signature

    model = _assign_chunk.__dict__.get("model")
    if model is None or _assign_chunk.__dict__.get("bytes_id") != hash(model_bytes):
        model = TopicModel.from_bytes(model_bytes)
        _assign_chunk.model, _assign_chunk.bytes_id = model, hash(model_bytes)
    texts = [text(i) for i in range(start, stop)]
    started = time.perf_counter()
    assigned = model.assign(texts)
    assign_s = time.perf_counter() - started
    started = time.perf_counter()
    bands = [band_hashes(signature(t)) for t in texts]
    sign_s = time.perf_counter() - started
    topics = sum(1 for t, _w in assigned if t is not None)
    return topics, len(bands), assign_s, sign_s, _peak_mib()


def measure(n: int) -> dict:
    from analysis.engine import TopicModel

    started = time.perf_counter()
    step = max(1, n // FIT_SAMPLE)
    sample = [text(i) for i in range(0, n, step)][:FIT_SAMPLE]
    model = TopicModel.fit(sample, seed=0)
    fit_s = time.perf_counter() - started
    del sample
    data = model.to_bytes()
    chunks = [(data, a, min(a + CHUNK, n)) for a in range(0, n, CHUNK)]
    started = time.perf_counter()
    assigned = signed = 0
    worker_peak = assign_cpu = sign_cpu = 0.0
    with ProcessPoolExecutor(WORKERS) as pool:
        for topics, bands, assign_s, sign_s, peak in pool.map(_assign_chunk, chunks):
            assigned += topics
            signed += bands
            assign_cpu += assign_s
            sign_cpu += sign_s
            worker_peak = max(worker_peak, peak)
    assign_wall = time.perf_counter() - started
    return {
        "texts": n,
        "topics": len(model.topics),
        "fit_s": round(fit_s, 1),
        "assign_wall_s": round(assign_wall, 1),
        "total_s": round(fit_s + assign_wall, 1),
        "texts_per_s": round(n / (fit_s + assign_wall)),
        "assign_cpu_s": round(assign_cpu, 1),
        "signature_cpu_s": round(sign_cpu, 1),
        "assigned": assigned,
        "signed": signed,
        "peak_main_mib": round(_peak_mib()),
        "peak_worker_mib": round(worker_peak),
        "model_kib": round(len(data) / 1024),
    }


def run() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_ANALYSIS_SIZES", "10000,100000").split(",")]
    print(
        f"{'texts':>9} {'topics':>6} {'fit s':>7} {'assign s':>9} {'total s':>8} "
        f"{'texts/s':>8} {'peak MiB (main+worker)':>24}"
    )
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['texts']:>9,} {r['topics']:>6} {r['fit_s']:>7} {r['assign_wall_s']:>9} "
            f"{r['total_s']:>8} {r['texts_per_s']:>8,} "
            f"{r['peak_main_mib']:>12} + {r['peak_worker_mib']:<8}"
        )
        print(
            f"          cpu: assign {r['assign_cpu_s']} s, signatures {r['signature_cpu_s']} s;"
            f" model {r['model_kib']} KiB"
        )
        if n == 1_000_000:
            total_mib = r["peak_main_mib"] + WORKERS * r["peak_worker_mib"]
            verdict = "ok" if r["total_s"] < 1200 and total_mib < 2048 else "MISSED"
            print(f"          1M target (< 20 min, < 2 GiB): {verdict}")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    print(json.dumps(measure(int(sys.argv[1]))))
