"""The figures as Markdown: the targets first, met or not, then one table per part."""

from __future__ import annotations

from typing import Any

from benchmarks.stats import REFERENCE

# The targets of issues 8 and 23, side by side with the reference in one run.
RSS_LIMIT_MB = 450  # the serving process after the load (issue 23)
# `identify` against the reference's upload route as it runs (issue 23), by group of photos.
IDENTIFY_TARGETS = (("small", "web-size photo", 2.0), ("phone", "12 MP phone photo", 5.0),
                    ("unmeasured", "web-size photo needing no measurement", 1.5))  # fmt: skip
# The classifier alone against the reference's classifier alone (issue 8), kept beside them.
CLASSIFIER_TARGETS = (("small", "web-size photo", 1.3), ("phone", "12 MP phone photo", 4.0))
COLD_START_LIMIT_S = 5
HTTP_SHARE = 0.8


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the value measured and whether it is met (None: not measured in this run)."""
    rows: list[dict[str, Any]] = []

    def add(figure: str, value: Any, target: str, met: bool | None) -> None:
        rows.append({"figure": figure, "value": value, "target": target, "met": met})

    typology = results.get("typology", {})
    for key, label, minimum in IDENTIFY_TARGETS:
        entry = typology.get(key, {}).get("summary", {}).get("identify", {})
        if entry.get("against") == REFERENCE:
            add(f"`identify`, {label}: × the reference's upload route", entry["ratio"], f"≥ {minimum}",
                entry["ratio"] >= minimum)  # fmt: skip
    for key, label, minimum in CLASSIFIER_TARGETS:
        for side, entry in typology.get(key, {}).get("summary", {}).items():
            if side != "identify" and isinstance(entry, dict) and entry.get("against") == "reference-classifier":
                add(f"`{side}` alone, {label}: × the reference's classifier", entry["ratio"], f"≥ {minimum}",
                    entry["ratio"] >= minimum)  # fmt: skip
    agreement = typology.get("agreement", {})
    for side, same in agreement.get("same_top1", {}).items():
        add(
            f"Same top-1 as the reference, `{side}`",
            f"{same}/{agreement['photos']}",
            "every photo",
            same == agreement["photos"],
        )
    measurement = results.get("measurement", {})
    if "summary" in measurement:
        ratio = measurement["summary"]["ours"].get("ratio")
        add("Measurement: × reference throughput", ratio, "≥ 3", _at_least(ratio, 3.0))
    if measurement.get("agree", {}).get("photos"):
        agree = measurement["agree"]
        add(
            f"Lengths within {agree['within_cm']} cm of the reference",
            f"{agree['agreeing']}/{agree['photos']}",
            "every photo",
            agree["agreeing"] == agree["photos"],
        )
    alarm = results.get("alarm", {})
    if "summary" in alarm:
        ratio = alarm["summary"]["ours"].get("ratio")
        add("Alarm check: × reference OCR speed", ratio, "≥ 1 (aim 2)", _at_least(ratio, 1.0))
    if REFERENCE in alarm.get("right", {}):
        right = alarm["right"]
        add(
            "Alarm verdicts right (Basegun vs reference)",
            f"{right['ours']} vs {right[REFERENCE]}",
            "same or better",
            right["ours"] >= right[REFERENCE],
        )
    server = results.get("server", {})
    if "http" in server:
        rss = max(server["peak_rss_mb_after_start"], server["peak_rss_mb_after_load"] or 0)
        add("Serving process, peak RSS after the load (MB)", rss, f"< {RSS_LIMIT_MB}", rss < RSS_LIMIT_MB)
        cold = server["cold_start_median_s"]
        add("Cold start to /readyz (s, median)", cold, f"< {COLD_START_LIMIT_S}", cold < COLD_START_LIMIT_S)
        sixteen = server["http"].get("16")
        if sixteen:
            share = sixteen["throughput_per_s"] / server["models_alone"]["throughput_per_s"]
            add("16 clients: errors", sixteen["errors"], "0", sixteen["errors"] == 0)
            add(
                "16 clients: share of the models-alone throughput",
                round(share, 2),
                f"≥ {HTTP_SHARE}",
                share >= HTTP_SHARE,
            )
    return rows


def _at_least(value: float | None, minimum: float) -> bool | None:
    return None if value is None else value >= minimum


def _mark(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _ms(entry: dict[str, Any] | None) -> str:
    return f"{entry['median_ms']:.0f} / {entry['p95_ms']:.0f}" if entry else "–"


def _side(name: str) -> str:
    return "Basegun" if name == "ours" else name


def _x(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def markdown(results: dict[str, Any]) -> str:
    out = [_machine(results), _targets(results)]
    renders = {
        "typology": _typology,
        "measurement": _measurement,
        "alarm": _alarm,
        "server": _server,
        "triage": _triage,
        "threads": _threads,
    }
    for name, render in renders.items():
        part = results.get(name)
        if part is not None:
            out.append(f"### {name.capitalize()}\n\n{part['missing']}\n" if "missing" in part else render(part))
    return "\n".join(out)


def _machine(results: dict[str, Any]) -> str:
    machine = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    reference = results.get("reference", {})
    lines = [
        "### Machine and run\n",
        f"- Command: `{results['command']}`",
        f"- {machine['cores']} cores, {machine['cpu']}, {machine['memory_gib']} GiB; {machine['os']}",
        f"- Load average at start {_load(machine['load_average'])}, at end {_load(results.get('load_at_end'))} "
        "(other work shares this machine: compare ratios, not absolute times)",
        f"- Versions: {versions}",
        f"- Basegun settings: {results['settings']}",
        f"- Reference: {reference.get('wheel', '–')}; OCR: {reference.get('ocr', '–')}",
        f"- Wall time of the run: {results.get('wall_s', 0):.0f} s\n",
    ]
    return "\n".join(lines)


def _load(values: Any) -> str:
    return "–" if not values else "/".join(f"{v:.1f}" for v in values)


def _targets(results: dict[str, Any]) -> str:
    lines = ["### Targets (issues 8 and 23)\n", "| figure | measured | target | |", "|---|---|---|---|"]
    lines += [f"| {t['figure']} | {t['value']} | {t['target']} | {_mark(t['met'])} |" for t in targets(results)]
    return "\n".join(lines) + "\n"


def _typology(part: dict[str, Any]) -> str:
    sides = [k for k in part["small"]["summary"] if k != "photos"]
    lines = [
        "### Identifying a photo (bytes in, answer out): median / p95 ms, and × its like on the reference side\n",
        "`identify` is compared with the reference's upload route (`reference`: its classifier, then its measurement "
        "for the five measured typologies when the level is not low); each classifier alone with the reference's "
        "classifier alone (`reference-classifier`).\n",
        f"| photos | n | {' | '.join(sides)} |",
        "|---|---|" + "---|" * len(sides),
    ]
    groups = (("small", "web size"), ("phone", "12 MP phone"), ("unmeasured", "web size, no measurement"))
    for key, label in groups:
        if key not in part:
            continue
        line = part[key]["summary"]
        cells = [
            f"{_ms(line[side])}" + (f" ({_x(line[side]['ratio'])})" if "ratio" in line[side] else "") for side in sides
        ]
        lines.append(f"| {label} | {line['photos']} | {' | '.join(cells)} |")
    for key, label in groups:
        if key not in part:
            continue
        stages = ", ".join(f"{name} {value:.0f}" for name, value in part[key].get("identify_stages_ms", {}).items())
        lines.append(f"\n`identify` stages on {label} photos (median ms over the photos, from its answer): {stages}.")
    agreement = part["agreement"]
    for side, same in agreement["same_top1"].items():
        lines.append(f"\n`{side}`: same top-1 as the reference on {same}/{agreement['photos']} shared photos.")
        for row in agreement["rows"]:
            if row.get(f"{side}_same") is False:
                lines.append(f"- differs on `{row['photo']}`: Basegun {row[side]}, reference {row[REFERENCE]}")
        shifts = [r[f"{side}_shift"] for r in agreement["rows"] if r.get(f"{side}_shift") is not None]
        if shifts:
            lines.append(f"- largest top-1 probability difference where they agree: {max(shifts):.4f}")
    missed = [r["photo"] for r in agreement["rows"] if r["identify"] is None]
    lines.append(f"\n`identify` found no firearm on: {', '.join(missed) or 'none'}.")
    return "\n".join(lines) + "\n"


def _measurement(part: dict[str, Any]) -> str:
    lines = [
        "### Measurement per photo (median / p95 ms; lengths overall, barrel in cm)\n",
        "| photo | Basegun | reference | ratio | Basegun lengths | reference lengths | difference | truth |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row, lengths in zip(part["rows"], part["lengths"], strict=True):
        lines.append(
            f"| {row['input']} | {_ms(row['ours'])} | {_ms(row.get(REFERENCE))} | {_x(row['ratios'].get('ours'))} | "
            f"{lengths.get('ours')} | {lengths.get(REFERENCE, '–')} | {lengths.get('difference_cm', '–')} | "
            f"{lengths['truth']} |"
        )
    line = part["summary"]
    lines.append(
        f"| **all** | {_ms(line['ours'])} | {_ms(line.get(REFERENCE))} | {_x(line['ours'].get('ratio'))} | | | | |"
    )
    for refusal in part["refusals"]:
        answers = ", ".join(f"{_side(k)}: {v}" for k, v in refusal.items() if k not in ("photo", "note"))
        lines.append(f"\n- `{refusal['photo']}` ({refusal['note']}): {answers}")
    return "\n".join(lines) + "\n"


def _alarm(part: dict[str, Any]) -> str:
    lines = [
        "### Alarm check per close-up (median / p95 ms)\n",
        "| photo | Basegun | reference | ratio | Basegun verdict | reference verdict | expected |",
        "|---|---|---|---|---|---|---|",
    ]
    for row, verdict in zip(part["rows"], part["verdicts"], strict=True):
        lines.append(
            f"| {row['input']} | {_ms(row['ours'])} | {_ms(row.get(REFERENCE))} | {_x(row['ratios'].get('ours'))} | "
            f"{verdict['ours']} | {verdict.get(REFERENCE, '–')} | {verdict['expected']} |"
        )
    line = part["summary"]
    ours = line["ours"]
    lines.append(f"| **all** | {_ms(ours)} | {_ms(line.get(REFERENCE))} | {_x(ours.get('ratio'))} | | | |")
    return "\n".join(lines) + "\n"


def _server(part: dict[str, Any]) -> str:
    alone = part["models_alone"]
    lines = [
        "### HTTP on loopback (`basegun serve`, small photos in turn)\n",
        f"Cold start to `/readyz`: {part['cold_start_s']} s (median {part['cold_start_median_s']} s). "
        f"Peak RSS: {part['peak_rss_mb_after_start']} MB after start, "
        f"{part['peak_rss_mb_after_load']} MB after the load.\n",
        "| clients | seconds | requests | photos/s | share of models alone | p50 ms | p95 ms | p99 ms | errors "
        "| 503 `busy`, retried |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for clients, load in part["http"].items():
        share = load["throughput_per_s"] / alone["throughput_per_s"]
        lines.append(
            f"| {clients} | {load['seconds']} | {load['requests']} | {load['throughput_per_s']} | {share:.2f} | "
            f"{load.get('p50_ms', '–')} | {load.get('p95_ms', '–')} | {load.get('p99_ms', '–')} | {load['errors']} | "
            f"{load.get('busy_retried', '–')} |"
        )
    lines.append(
        f"| models alone ({part['inference_workers']} threads, no HTTP) | {alone['seconds']} | {alone['requests']} | "
        f"{alone['throughput_per_s']} | 1.00 | {alone.get('p50_ms', '–')} | {alone.get('p95_ms', '–')} | "
        f"{alone.get('p99_ms', '–')} | – | – |"
    )
    return "\n".join(lines) + "\n"


def _triage(part: dict[str, Any]) -> str:
    """The batch helper's figures (`benchmarks/triage.py`): photos per second for each way of using the cores."""
    lines = [
        f"### Batch triage ({part.get('photos')} phone photos; `benchmarks/triage.py`)\n",
        "| way | photos/s |",
        "|---|---|",
    ]
    lines += [f"| {way} | {rate} |" for way, rate in part.get("photos_per_second", {}).items()]
    others = {k: v for k, v in part.items() if k not in ("photos", "photos_per_second")}
    lines.append("\n" + ", ".join(f"{k}: {v}" for k, v in others.items()))
    return "\n".join(lines) + "\n"


def _threads(part: dict[str, Any]) -> str:
    lines = [
        "### Thread settings (in process, no HTTP; interleaved)\n",
        "| intra-op threads × inference workers | 1 client, small: median / p95 ms | 1 client, 12 MP | "
        "throughput, small photos/s |",
        "|---|---|---|---|",
    ]
    for combo in part["combos"]:
        lines.append(
            f"| {combo['label']} | {_ms(combo['small'])} | {_ms(combo['phone'])} | {combo['throughput_per_s']} |"
        )
    return "\n".join(lines) + "\n"
