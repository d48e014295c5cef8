"""Time and peak memory of the printed guide: a PDF of 200 places (A4, then A5 large print),
against a baseline of 20 places measured in the same run (the per-place cost should not grow).

    .venv/bin/python -m bench.bench_guide_pdf [rounds]

Method: one warm-up (fonts are loaded once per process), then ``rounds`` interleaved runs of
the baseline and the 200-place guide; medians reported. Peak memory is Python's allocations
during one build (``tracemalloc``), and the process's maximum resident size at the end.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from node.services.guide_data.printed import GuideEntry, guide_pdf

STREETS = ("rue Oberkampf", "boulevard de Belleville", "rue de Charonne", "avenue Parmentier")
DAY = date(2026, 12, 2)
KINDS = ("Douche, laverie", "Manger", "Dormir", "Soins, dentiste", "Accueil de jour")


def entries(count: int) -> list[GuideEntry]:
    return [
        GuideEntry(
            name=f"Lieu solidaire numéro {n}",
            address=f"{n} {STREETS[n % len(STREETS)]}, 75011 Paris",
            categories=KINDS[n % len(KINDS)],
            today="9 h – 12 h 30, 14 h – 17 h" if n % 3 else "fermé aujourd'hui",
            phone="01 40 00 00 00" if n % 2 else "",
        )
        for n in range(1, count + 1)
    ]


def build(places: list[GuideEntry], **options: object) -> tuple[float, int, int]:
    """(seconds, peak Python bytes, PDF bytes); timed without tracing, traced in a second run
    (tracemalloc slows allocation-heavy code several times)."""
    started = time.perf_counter()
    pdf = guide_pdf(places, area="Paris 11e", day=DAY, **options)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    guide_pdf(places, area="Paris 11e", day=DAY, **options)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, len(pdf)


def main(rounds: int = 5) -> None:
    small, large = entries(20), entries(200)
    build(small)
    for label, options in (("A4", {}), ("A5 large print", {"size": "A5", "large": True})):
        base, full, peaks, sizes = [], [], [], []
        for _ in range(rounds):
            base.append(build(small, **options)[0])
            elapsed, peak, size = build(large, **options)
            full.append(elapsed)
            peaks.append(peak)
            sizes.append(size)
        b, f = statistics.median(base), statistics.median(full)
        print(
            f"{label}: 200 places {f * 1000:.0f} ms (20 places {b * 1000:.0f} ms; "
            f"per-place ratio {f / 10 / b:.2f}), peak Python memory "
            f"{max(peaks) / 1e6:.1f} MB, PDF {sizes[0] / 1e3:.0f} KB"
        )
    resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"max resident size of the process: {resident:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
