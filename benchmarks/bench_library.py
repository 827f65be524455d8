"""Benchmark: growth, attainment and ranking on a synthetic 1,000,000-row panel (synthetic data, made here).

Prints the best of 3 wall-clock times per operation. Goal: each under 1 s on the project's machine size
(2 cores, 24 GiB). Run with `make benchmark` or `python benchmarks/bench_library.py [rows]`.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from analysis import growth, targets


def panel(rows: int, periods: int = 100, seed: int = 0) -> pd.DataFrame:
    """Synthetic panel: rows/periods regions × periods, with a level, last year's level and a target."""
    rng = np.random.default_rng(seed)
    n_regions = rows // periods
    df = pd.DataFrame({
        "region": np.repeat([f"R{i:05d}" for i in range(n_regions)], periods),
        "period": np.tile(np.arange(2000, 2000 + periods), n_regions),
    })
    df["previous"] = rng.uniform(1e8, 1e10, len(df))
    df["level"] = df["previous"] * rng.uniform(0.8, 1.4, len(df))
    df["target"] = df["previous"] * rng.uniform(1.0, 1.2, len(df))
    return df


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(rows: int = 1_000_000) -> dict[str, float]:
    df = panel(rows)
    df["growth_pct"] = growth.yoy_growth(df["level"], df["previous"])
    results = {
        "yoy_growth": best_of(lambda: growth.yoy_growth(df["level"], df["previous"])),
        "implied_base": best_of(lambda: growth.implied_base(df["level"], df["growth_pct"])),
        "attainment": best_of(lambda: targets.attainment(df["level"], df["target"])),
        "scoreboard (rank per period, top 3)": best_of(
            lambda: growth.scoreboard(df, "region", "growth_pct", "period", k=3)),
    }
    print(f"panel: {len(df):,} rows ({df['region'].nunique():,} regions x {df['period'].nunique()} periods)")
    for name, secs in results.items():
        flag = "ok" if secs < 1.0 else "SLOW (goal < 1 s)"
        print(f"{name:40s} {secs:8.3f} s  {flag}")
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
