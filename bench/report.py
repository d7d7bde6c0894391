"""The benchmark's table and target checks, from a result (the JSON that
bench/run.py writes). Also renders a result file as a Markdown table:

    python -m bench.report bench/results/<file>.json [--size L] [--markdown]
    python -m bench.report --summary <sqlite>.json <postgresql>.json
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.cases import PERSONA_LABELS

# The bars of issue 24 (performance, round two), medians at L on both databases.
LIST_MS = 30.0  # every list page at L, every role and scope
LIST_QUERIES = 10
GROWTH = 1.5  # paginated pages: median at L ÷ median at S
PAGE_MS = 30.0  # the leader's desk and every home page
REPORT_MS = 50.0  # every report
FLOOR_RATIO = 1.5  # reports: page ÷ SQL floor over the facts at L
STAFF_SLACK = 1.1  # staff no slower than admin for the same numbers (10 % for noise)
KEYWORD_MS = 100.0  # keyword search incl. pinyin initials at L
IMPORT_S = 15.0
EXPORT_S = 2.0
LOAD_SHARE = 0.5  # under load: ≥ half the throughput of a bare signed-in page
LOAD_P95_MS = 300.0
PAGED = ("home", "desk")  # pages held to PAGE_MS
BARE_PAGE = "bare signed-in page"  # the load test's ceiling (bench/serve.py)

HEAD = ("page", "role", "size", "median ms", "p95 ms", "queries", "÷ floor", "L ÷ S")


def line(row: dict[str, Any]) -> str:
    """One measurement as it is taken (progress output)."""
    ratio = f" ÷floor {row['floor_ratio']:.2f}" if row.get("floor_ratio") else ""
    status = "" if row["status"] == 200 else f" HTTP {row['status']}"
    return (
        f"  {row['size']} {row['case']:<22} {PERSONA_LABELS[row['persona']]:<22} "
        f"median {row['median_ms']:>8.1f}  p95 {row['p95_ms']:>8.1f}  q {row['queries']:>2}{ratio}{status}"
    )


def growth(result: dict[str, Any]) -> dict[tuple[str, str], float]:
    """(case, persona) → median at L ÷ median at S."""
    medians: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for row in result["results"]:
        if row["status"] == 200:
            medians[(row["case"], row["persona"])][row["size"]] = row["median_ms"]
    return {key: sizes["L"] / sizes["S"] for key, sizes in medians.items() if "L" in sizes and sizes.get("S")}


def _cells(result: dict[str, Any], sizes: tuple[str, ...]) -> list[tuple[str, ...]]:
    ratios = growth(result)
    rows = []
    for row in result["results"]:
        if row["size"] not in sizes:
            continue
        key = (row["case"], row["persona"])
        label = row["label"] + (f"（{row['rows']} 行）" if row.get("rows") else "")
        rows.append(
            (
                label,
                PERSONA_LABELS[row["persona"]],
                row["size"],
                f"{row['median_ms']:.1f}" if row["status"] == 200 else f"HTTP {row['status']}",
                f"{row['p95_ms']:.1f}" if row["status"] == 200 else "",
                str(row["queries"]),
                f"{row['floor_ratio']:.2f}" if row.get("floor_ratio") else "",
                f"{ratios[key]:.2f}" if row["size"] == "L" and key in ratios else "",
            )
        )
    return rows


def table(result: dict[str, Any], sizes: tuple[str, ...] = ("S", "M", "L")) -> str:
    """The plain-text table: page, role, size, median, p95, queries, ratios."""
    rows = _cells(result, sizes)
    widths = [max(_width(r[i]) for r in [HEAD, *rows]) for i in range(len(HEAD))]
    out = [f"== {result['database']} ({result.get('server', '')}) — {result['machine']['cpu']}"]
    out.append("  ".join(_pad(h, w) for h, w in zip(HEAD, widths, strict=True)))
    for r in rows:
        out.append("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)))
    for name, floor in sorted(result.get("sizes", {}).get("L", {}).get("floors", {}).items()):
        records = floor.get("records_median_ms")
        over = f" over the {floor['over']}" if "over" in floor else ""
        beside = (
            f" (over the records: {records:.1f} ms)" if records is not None and floor.get("over") == "facts" else ""
        )
        out.append(f"SQL floor at L, {name}{over}: {floor['median_ms']:.1f} ms{beside}")
    return "\n".join(out)


def markdown(result: dict[str, Any], sizes: tuple[str, ...] = ("L",)) -> str:
    rows = _cells(result, sizes)
    out = ["| " + " | ".join(HEAD) + " |", "|" + "|".join("---" for _ in HEAD) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def summary(results: list[dict[str, Any]]) -> str:
    """One Markdown row per page at L across result files (one per database):
    the median of its fastest and slowest role, most queries, worst page ÷
    floor and worst growth L ÷ S — the README's table."""
    cases: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for result in results:
        for row in result["results"]:
            if row["size"] == "L":
                cases.setdefault(row["case"], row["label"] + (f"（{row['rows']} 行）" if row.get("rows") else ""))
                kinds[row["case"]] = row["kind"]
    names = [r["database"] for r in results]
    head = ["page", *[f"{name} median ms at L" for name in names], "queries", "÷ floor", "L ÷ S (lists)"]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for case, label in cases.items():
        cells = [label]
        queries: list[int] = []
        floors: list[float] = []
        growths: list[float] = []
        for result in results:
            rows = [r for r in result["results"] if r["case"] == case and r["size"] == "L" and r["status"] == 200]
            if not rows:
                cells.append("")
                continue
            medians = sorted(r["median_ms"] for r in rows)
            cells.append(f"{medians[0]:.0f}" if len(medians) == 1 else f"{medians[0]:.0f}–{medians[-1]:.0f}")
            queries += [r["queries"] for r in rows]
            floors += [r["floor_ratio"] for r in rows if r.get("floor_ratio")]
            if kinds[case] == "list":
                growths += [g for (c, _p), g in growth(result).items() if c == case]
        cells.append(
            f"{min(queries)}–{max(queries)}" if queries and min(queries) != max(queries) else str(max(queries or [0]))
        )
        cells.append(f"≤ {max(floors):.2f}" if floors else "")
        cells.append(f"≤ {max(growths):.2f}" if growths else "")
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def check_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every bar of issue 24 this result can judge: met or missed, and by what."""
    checks: list[dict[str, Any]] = []

    def add(target: str, subject: str, value: float, limit: float, at_least: bool = False) -> None:
        met = value >= limit if at_least else value <= limit
        checks.append({"target": target, "subject": subject, "value": round(value, 2), "limit": limit, "met": met})

    at_l = [r for r in result["results"] if r["size"] == "L" and r["status"] == 200]
    for row in at_l:
        who = f"{row['case']} {PERSONA_LABELS[row['persona']]}"
        if row["kind"] == "list":
            add("list ≤ 30 ms at L", who, row["median_ms"], LIST_MS)
            add("list ≤ 10 queries", who, row["queries"], LIST_QUERIES)
        if row["case"] in ("leads.keyword", "leads.pinyin"):
            add("keyword search ≤ 100 ms at L", who, row["median_ms"], KEYWORD_MS)
        if row["case"] in PAGED:
            add("desk and home ≤ 30 ms at L", who, row["median_ms"], PAGE_MS)
        if row["kind"] == "report":
            add("report ≤ 50 ms at L", who, row["median_ms"], REPORT_MS)
            if row.get("floor_ratio"):
                add("report ÷ floor ≤ 1.5 at L", who, row["floor_ratio"], FLOOR_RATIO)
        if row["kind"] == "export":
            add("export of 10k rows ≤ 2 s", f"{who} ({row.get('rows')} rows)", row["median_ms"] / 1000, EXPORT_S)
    admin = {r["case"]: r["median_ms"] for r in at_l if r["kind"] == "report" and r["persona"] == "admin"}
    for row in at_l:
        if row["kind"] == "report" and row["persona"] != "admin" and row["case"] in admin:
            who = f"{row['case']} {PERSONA_LABELS[row['persona']]} ÷ admin"
            add("staff no slower than admin (±10 %)", who, row["median_ms"] / admin[row["case"]], STAFF_SLACK)
    kinds = {(r["case"], r["persona"]): r["kind"] for r in result["results"]}
    for (case, persona), ratio in sorted(growth(result).items()):
        if kinds.get((case, persona)) == "list":
            add("paginated growth L ÷ S ≤ 1.5", f"{case} {PERSONA_LABELS[persona]}", ratio, GROWTH)
    imported = result.get("import")
    if imported:
        add("import of 10k rows ≤ 15 s", f"{imported['rows']} rows, ok={imported['ok']}", imported["total_s"], IMPORT_S)
    load = result.get("load_test") or {}
    pages = load.get("pages", {})
    bare = pages.get(BARE_PAGE, {}).get("rps")
    for page, stats in pages.items():
        if page == BARE_PAGE:
            continue
        if bare:
            add("under load ≥ 50 % of a bare page's req/s", page, stats["rps"] / bare, LOAD_SHARE, at_least=True)
        if stats.get("p95_ms") is not None:
            add("under load p95 ≤ 300 ms", page, stats["p95_ms"], LOAD_P95_MS)
        add("under load no failures", page, stats.get("failures", 0), 0)
    for name, floor in result.get("sizes", {}).get("L", {}).get("floors", {}).items():
        checks.append(
            {
                "target": "floor computes the report's numbers",
                "subject": name,
                "value": len(floor["problems"]),
                "limit": 0,
                "met": not floor["problems"],
            }
        )
    return checks


def targets_text(result: dict[str, Any]) -> str:
    checks = check_targets(result)  # today's bars, also for an older result
    missed = [c for c in checks if not c["met"]]
    out = [f"targets: {len(checks) - len(missed)} of {len(checks)} met"]
    for c in missed:
        out.append(f"  MISSED {c['target']}: {c['subject']} = {c['value']} (limit {c['limit']})")
    load = result.get("load_test")
    if load:
        for page, stats in load.get("pages", {}).items():
            out.append(
                f"gunicorn ×{load.get('workers')} + locust ({load.get('users')} users, {load.get('seconds')} s): "
                f"{page}: {stats.get('rps', 0):.1f} req/s, median {stats.get('median_ms')} ms, "
                f"p95 {stats.get('p95_ms')} ms, failures {stats.get('failures')}"
            )
    memory = result.get("sizes", {}).get("L", {}).get("export_memory")
    if memory:
        out.append(f"export memory at L: peak {memory['peak_mb']} MB (tracemalloc) for {memory['rows']} rows")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, nargs="+", help="result files (several with --summary)")
    parser.add_argument("--size", default="S,M,L")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--summary", action="store_true", help="one row per page at L across the files")
    args = parser.parse_args()
    if args.summary:
        print(summary([json.loads(path.read_text()) for path in args.path]))
        return
    result = json.loads(args.path[0].read_text())
    sizes = tuple(s.strip().upper() for s in args.size.split(","))
    print(markdown(result, sizes) if args.markdown else table(result, sizes))
    print(targets_text(result))


if __name__ == "__main__":
    main()
