"""Render docs/benchmarks.md from bench/figures/*.json: every figure with its machine and command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import ROOT, load
from dalil.languages import LANGUAGES

PAGE = ROOT / "docs" / "benchmarks.md"
INTRO = """# Benchmarks

Every figure below is produced by `python -m bench` (`make bench` runs all of it; `python -m bench
<part>` reruns one part: `nlu`, `language`, `latency`, `longconv`, `kb`, `alerts`, `startup`;
`python -m bench report` only rewrites this page). The raw results, with the machine, date, load
average and commit they were measured on, are in `bench/figures/*.json`. Figures from a shared, loaded 2-core machine are
indications of where time goes, not capacity promises: rerun on the target machine.
"""

ANALYSIS = ROOT / "bench" / "analysis.md"


def _header(record: dict[str, Any]) -> str:
    m = record["machine"]
    load_avg = ", ".join(str(x) for x in m.get("load_average_at_start", []))
    return (
        f"*{m['date']} · {m['cpu']} · {m['cores']} cores · {m['memory_gib']} GiB · Python "
        f"{m['python']} · load average at start {load_avg} · commit {m['commit']} · "
        f"`{record['command']}` · {record['figures'].get('wall_seconds', '?')} s*\n"
    )


def _missing(part: str) -> str:
    return f"Not measured yet: run `python -m bench {part}`.\n"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def nlu_section() -> str:
    """Intent accuracy and macro-F1 per language, ours vs Rasa's default."""
    out = ["## NLU: intent accuracy and macro-F1 on the held-out sets\n"]
    record = load("nlu")
    if record is None:
        return "".join([*out, _missing("nlu")])
    f = record["figures"]
    out.append(_header(record))
    out.append(
        "\nHeld-out sets `bot/tests/nlu/<lang>.yml` (never trained on). Ours: `bot/config.yml`; "
        "default: Rasa 3.6's default pipeline, what `rasa init` trains with "
        "(`bench/default_config.yml`), trained on the same `bot/data/`. A fallback "
        "(`nlu_fallback`) counts as wrong. Macro-F1 averages over every intent seen in the "
        "gold labels or the predictions, as scikit-learn does.\n\n"
    )
    columns = ["ours"] + (["default"] if "default" in f else [])
    head = "| language | examples | " + " | ".join(f"{c} accuracy | {c} macro-F1" for c in columns)
    out.append(head + " |\n|---|---:|" + "---:|---:|" * len(columns) + "\n")
    for lang in [*LANGUAGES, "all"]:
        ours = f["ours"].get(lang, {})
        if not ours.get("n"):
            continue
        cells = [f"{_pct(f[c][lang]['accuracy'])} | {f[c][lang]['macro_f1']:.3f}" for c in columns]
        out.append(f"| {lang} | {ours['n']} | " + " | ".join(cells) + " |\n")
    if "default" not in f:
        out.append(
            "\nRasa's default pipeline was not trained in this run (`--no-baseline`): the "
            "side-by-side column appears when `python -m bench nlu` runs in full.\n"
        )
    if f.get("ours_confusions"):
        out.append("\nOur most frequent mistakes (gold → predicted, count): ")
        out.append(
            "; ".join(
                f"{c['gold']} → {c['predicted']} ({c['count']})" for c in f["ours_confusions"]
            )
            + ".\n"
        )
    out.append(
        f"\nModel evaluated: `{f.get('ours_model', '?')}` ({f.get('model_megabytes_ours', '?')} MB).\n"
    )
    if "default_model_trained" in f:
        commit = f.get("default_model_commit")
        out.append(
            f"\nRasa's default model was trained by an earlier run ({f['default_model_trained']}"
            + (f", data of commit {commit}" if commit else "")
            + ") and reused here (`--reuse-baseline`): if `bot/data/` changed since, the two "
            "columns were not trained on the same data.\n"
        )
    return "".join(out)


SET_TITLES = {
    "nlu": "held-out",
    "nlu_blind": "blind",
    "nlu_independent": "independent",
}


def nlu_sets_section() -> str:
    """Intent accuracy per language on the held-out, blind and independent sets (`make eval`)."""
    out = ["## NLU: held-out, blind and independent test sets\n"]
    record = load("nlu-sets")
    if record is None:
        return "".join(
            [*out, "Not measured yet: run `.venv/bin/python bot/scripts/eval.py --record`.\n"]
        )
    f = record["figures"]
    out.append(_header(record))
    out.append(
        "\n`make eval` (`bot/scripts/eval.py`), Rasa's own evaluation: the classifier's choice "
        "is scored, an ask-back is not counted as wrong (unlike the section above). "
        "`bot/tests/nlu/` are the held-out sets, used for error analysis and tuning (optimistic); "
        "`bot/tests/nlu_blind/` were written later by people who saw neither the training data "
        "nor the held-out sets; `bot/tests/nlu_independent/` paraphrase the questions of public "
        "FAQ pages (UNHCR-Help, GADEM, Enabel), Arabic including Darija, Levantine, Sudanese "
        "and Arabizi; the figures before and after the data written for them, the small fresh "
        "English set (`--set nlu_fresh --languages en`, the least-biased English figure), and "
        "how far to trust them, are in `docs/bot.md`. Model: `"
        + str(f.get("model", "?"))
        + "`.\n\n"
    )
    sets = list(f["sets"])
    out.append(
        "| language | "
        + " | ".join(f"{SET_TITLES.get(s, s)} (n) | accuracy | macro-F1" for s in sets)
        + " |\n|---|"
        + "---:|---:|---:|" * len(sets)
        + "\n"
    )
    for lang in LANGUAGES:
        cells = []
        for name in sets:
            row = next((r for r in f["sets"][name] if r["language"] == lang), None)
            cells.append(
                f"{row['examples']} | {row['intent_accuracy']:.3f} | {row['intent_macro_f1']:.3f}"
                if row
                else "- | - | -"
            )
        out.append(f"| {lang} | " + " | ".join(cells) + " |\n")
    return "".join(out)


def training_section() -> str:
    """Training time of the full model (and of Rasa's default NLU, when it was trained)."""
    out = ["## Training time\n"]
    record = load("nlu")
    f = record["figures"] if record else {}
    ours = f.get("train_seconds_full_model_ours")
    default = f.get("train_seconds_nlu_only_default")
    if ours is None and default is None:
        return "".join([*out, _missing("nlu"), "(without `--reuse-model`: it trains ours).\n"])
    out.append(_header(record or {}))
    out.append("\nEach training starts from an empty Rasa cache, so nothing earlier is reused.")
    if ours is not None:
        out.append(f" Full model (NLU + dialogue policies), `bot/config.yml`: **{ours:.0f} s**.")
    else:
        out.append(
            " Ours was not trained in this run (`--reuse-model`); `make train` prints its time."
        )
    if default is not None:
        out.append(f" Rasa's default pipeline, NLU only: {default:.0f} s.")
    return "".join([*out, "\n"])


def language_section() -> str:
    """Language choice vs lingua alone (the actions engineer's script)."""
    out = ["## Language choice: Dalil's rule vs lingua alone\n"]
    record = load("language")
    if record is None:
        return "".join([*out, _missing("language"), "(needs `bench/language/run.py`).\n"])
    out.append(_header(record))
    f = record["figures"]
    out.append("\nFrom `bench/language/run.py` (method and labelled set described there):\n\n")
    if "markdown" in f:
        out.append(f["markdown"] + "\n")
    else:
        out.append("```json\n" + __import__("json").dumps(f["json"], indent=2) + "\n```\n")
    return "".join(out)


def latency_section() -> str:
    """Latency and throughput, gateway vs Rasa's REST channel vs Rasa's NLU alone; RSS."""
    out = ["## End-to-end latency and throughput\n"]
    record = load("latency")
    if record is None:
        return "".join([*out, _missing("latency")])
    f = record["figures"]
    out.append(_header(record))
    out.append(
        "\nThe real processes on loopback (`bench.devstack`, SQLite knowledge base, SQLite tracker "
        "store), the same held-out user messages sent three ways at each level, one after the "
        "other: `gateway` = `POST /api/v1/chat`; `rasa_rest` = Rasa's REST channel with the "
        "metadata the gateway adds (still calling the action server and the gateway's `/nlg`); "
        "`rasa_parse` = `POST /model/parse`, Rasa's NLU alone. Each conversation waits for "
        "each answer before its next message. Messages per level: "
        + ", ".join(f"{k} conversations: {v}" for k, v in f["messages_per_level"].items())
        + f". Model `{f.get('model', '?')}`.\n\n"
    )
    out.append(
        "| conversations | path | messages | p50 ms | p95 ms | p99 ms | msg/s | errors | empty | apology "
        "| handover |\n"
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    for level, row in f["levels"].items():
        for target, s in row.items():
            out.append(
                f"| {level} | {target} | {s['messages']} | {s['p50_ms']} | {s['p95_ms']} | "
                f"{s['p99_ms']} | {s['per_second']} | {s['errors']} | {s.get('empty', '')} | "
                f"{s.get('apology', s.get('degraded', ''))} | {s.get('handover', '')} |\n"
            )
    out.append("\nGateway cost (gateway ÷ rasa_rest, p50 latency and throughput):\n\n")
    for level, row in f["levels"].items():
        g, r = row.get("gateway"), row.get("rasa_rest")
        if g and r and r["p50_ms"] and g["per_second"]:
            out.append(
                f"- {level} conversation(s): p50 ×{g['p50_ms'] / r['p50_ms']:.2f}, "
                f"throughput ×{g['per_second'] / r['per_second']:.2f}\n"
            )
    out.append(
        "\n### CPU per answered message, by process (ms; user + system time from the kernel)\n\n"
        "| conversations | path | gateway | rasa | actions |\n|---:|---|---:|---:|---:|\n"
    )
    for level, row in f["levels"].items():
        for target, s in row.items():
            cpu = s.get("cpu_ms_per_message")
            if cpu:
                out.append(
                    f"| {level} | {target} | {cpu.get('gateway', '')} | {cpu.get('rasa', '')} | "
                    f"{cpu.get('actions', '')} |\n"
                )
    out.append(stock_comparison(f))
    out.append(tracker_comparison(f))
    rss = f.get("rss_mib", {})
    if rss:
        out.append(
            "\n### Memory (RSS of each process tree, MiB)\n\n| process | idle | peak under load |\n|---|---:|---:|\n"
        )
        for name in rss.get("idle", {}):
            out.append(f"| {name} | {rss['idle'][name]} | {rss['peak'].get(name, '?')} |\n")
    return "".join(out)


def stock_comparison(cached: dict[str, Any]) -> str:
    """Rasa with its own per-call check of action answers vs Dalil's cached validator."""
    record = load("latency-stock")
    if record is None:
        return ""
    stock = record["figures"]
    out = [
        "\n### Rasa's check of action answers: its own vs Dalil's cached validator\n\n",
        _header(record),
        "\nThe same run with `--stock-action-check` (Rasa validating each action server answer "
        "with `jsonschema.validate`, which re-checks the constant schema every time) against "
        "the run above (`bot/components/action_schema.py`). Rasa CPU ms per message and msg/s; "
        "the two runs are separate, so the machine's load may differ between them.\n\n"
        "| conversations | path | rasa ms stock | rasa ms cached | msg/s stock | msg/s cached |\n"
        "|---:|---|---:|---:|---:|---:|\n",
    ]
    for level, row in stock["levels"].items():
        for target in ("rasa_rest", "gateway"):
            s, c = row.get(target), cached["levels"].get(level, {}).get(target)
            if s and c:
                out.append(
                    f"| {level} | {target} | {s['cpu_ms_per_message'].get('rasa', '')} | "
                    f"{c['cpu_ms_per_message'].get('rasa', '')} | {s['per_second']} | "
                    f"{c['per_second']} |\n"
                )
    return "".join(out)


def tracker_comparison(bounded: dict[str, Any]) -> str:
    """The latency benchmark with Rasa's SQLTrackerStore against Dalil's bounded one."""
    record = load("latency-stock-tracker")
    if record is None:
        return ""
    stock = record["figures"]
    out = [
        "\n### Tracker store: Rasa's `SQLTrackerStore` vs Dalil's bounded one\n\n",
        _header(record),
        "\nThe same run with `--stock-tracker-store` (Rasa's own SQL tracker store, before) "
        "against the run above (`bot/components/tracker_store.py`, after). Its conversations "
        "are short (12 to 60 messages), so this checks that throughput did not drop; the long "
        "conversation is the next section. Separate runs: the machine's load may differ.\n\n"
        "| conversations | path | rasa ms stock | rasa ms bounded | msg/s stock | msg/s bounded |\n"
        "|---:|---|---:|---:|---:|---:|\n",
    ]
    for level, row in stock["levels"].items():
        for target in ("rasa_rest", "gateway"):
            s, b = row.get(target), bounded["levels"].get(level, {}).get(target)
            if s and b:
                out.append(
                    f"| {level} | {target} | {s['cpu_ms_per_message'].get('rasa', '')} | "
                    f"{b['cpu_ms_per_message'].get('rasa', '')} | {s['per_second']} | "
                    f"{b['per_second']} |\n"
                )
    return "".join(out)


CHART = ROOT / "docs" / "long-conversation.svg"
SERIES = {  # (configuration, store): colour, dash
    ("sqlite", "stock"): ("#c0392b", ""),
    ("postgres", "stock"): ("#e67e22", "6 3"),
    ("sqlite", "bounded"): ("#2471a3", ""),
    ("postgres", "bounded"): ("#17a589", "6 3"),
}


def _rolling_median(values: list[float], width: int = 15) -> list[float]:
    out = []
    for i in range(len(values)):
        window = sorted(values[max(0, i - width // 2) : i + width // 2 + 1])
        out.append(window[len(window) // 2])
    return out


def chart(figures: dict[str, Any]) -> str:
    """An SVG line chart of latency against turn number (rolling median of 15 turns)."""
    width, height, left, right, top, bottom = 720, 360, 60, 170, 20, 45
    series = {
        key: _rolling_median(figures["runs"][key[0]][key[1]]["ms"])
        for key in SERIES
        if key[0] in figures["runs"]
    }
    turns = max((len(v) for v in series.values()), default=1)
    peak = max((max(v) for v in series.values() if v), default=1.0)
    top_ms = max(100, int(peak / 100 + 1) * 100)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(turn: int) -> float:
        return left + plot_w * turn / max(1, turns - 1)

    def y(ms: float) -> float:
        return top + plot_h * (1 - ms / top_ms)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    step = max(100, top_ms // 5 // 100 * 100)
    for ms in range(0, top_ms + 1, step):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(ms):.1f}" y2="{y(ms):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(ms) + 4:.1f}" text-anchor="end">{ms}</text>'
        )
    for turn in range(0, turns + 1, 50):
        tx = x(max(0, turn - 1))
        parts.append(
            f'<text x="{tx:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{turn or 1}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 8}" text-anchor="middle">turn number '
        "(one conversation through the gateway)</text>"
        f'<text x="14" y="{top + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2})">ms per turn (median of 15)</text>'
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>'
    )
    for index, (key, values) in enumerate(series.items()):
        colour, dash = SERIES[key]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.8"'
            f"{dashed}/>"
        )
        ly = top + 14 + 20 * index
        parts.append(
            f'<line x1="{left + plot_w + 12}" x2="{left + plot_w + 36}" y1="{ly - 4}" '
            f'y2="{ly - 4}" stroke="{colour}" stroke-width="2"{dashed}/>'
            f'<text x="{left + plot_w + 42}" y="{ly}">{key[0]}, {key[1]}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def longconv_section() -> str:
    """Latency against turn number in one 300-turn conversation, before and after."""
    out = ["## Long conversations: latency against turn number\n"]
    record = load("longconv")
    if record is None:
        return "".join([*out, _missing("longconv")])
    f = record["figures"]
    CHART.write_text(chart(f))
    out.append(_header(record))
    out.append(
        f"\nOne conversation of {f['turns']} turns sent through the gateway (`POST "
        "/api/v1/chat`), each message after the previous answer, the script of "
        "`bench/longconv.py` in a cycle. `sqlite` is `make run` (SQLite knowledge base and "
        "tracker store, in-memory lock store); `postgres` is production (PostgreSQL knowledge "
        "base and tracker store, Redis lock store and gateway state). `stock` is Rasa's "
        "`SQLTrackerStore` (before), `bounded` Dalil's `BoundedSQLTrackerStore` (after, "
        "bot/components/tracker_store.py). Ratio = p50 of the last 30 turns ÷ p50 of turns "
        "2-31, both from the same run. The machine was shared with other work: compare "
        "ratios within a run, not milliseconds across runs.\n\n"
        "| configuration | tracker store | p50 turns 2-31 ms | p50 last 30 ms | ratio | "
        "Rasa CPU ms per turn |\n|---|---|---:|---:|---:|---:|\n"
    )
    for config, runs in f["runs"].items():
        for store in ("stock", "bounded"):
            r = runs.get(store)
            if r:
                out.append(
                    f"| {config} | {store} | {r['p50_first_ms']} | {r['p50_last_ms']} | "
                    f"**{r['ratio']}** | {r.get('rasa_cpu_ms_per_turn', '')} |\n"
                )
    out.append("\np50 per block of 30 turns (ms):\n\n")
    keys = [(c, s) for c in f["runs"] for s in ("stock", "bounded") if s in f["runs"][c]]
    out.append("| turns | " + " | ".join(f"{c} {s}" for c, s in keys) + " |\n")
    out.append("|---|" + "---:|" * len(keys) + "\n")
    blocks = f["runs"][keys[0][0]][keys[0][1]]["blocks"] if keys else []
    for i, block in enumerate(blocks):
        cells = [str(f["runs"][c][s]["blocks"][i]["p50_ms"]) for c, s in keys]
        out.append(f"| {block['turns']} | " + " | ".join(cells) + " |\n")
    for config, runs in f["runs"].items():
        differ = runs.get("answers_differ", [])
        out.append(
            f"\n{config}: the two stores' first answer text differed at "
            f"{len(differ)} of {f['turns']} turns"
            + (f" (turns {', '.join(map(str, differ[:10]))})" if differ else "")
            + "."
        )
    previous = load("longconv-previous")
    if previous is not None:
        out.append(
            "\n\nThe run before this one (`python -m bench longconv` keeps the last two):\n\n"
            + _header(previous)
            + "\n| configuration | tracker store | p50 turns 2-31 ms | p50 last 30 ms | ratio | "
            "Rasa CPU ms per turn |\n|---|---|---:|---:|---:|---:|\n"
        )
        for config, runs in previous["figures"]["runs"].items():
            for store in ("stock", "bounded"):
                r = runs.get(store)
                if r:
                    out.append(
                        f"| {config} | {store} | {r['p50_first_ms']} | {r['p50_last_ms']} | "
                        f"**{r['ratio']}** | {r.get('rasa_cpu_ms_per_turn', '')} |\n"
                    )
    out.append(f"\n\n![latency against turn number]({CHART.name})\n")
    return "".join(out)


def kb_section() -> str:
    """Nearest service points at 1k/10k/100k points (bench/nearest.py)."""
    out = ["## Knowledge base: nearest service points\n"]
    record = load("kb")
    if record is None:
        return "".join([*out, _missing("kb")])
    f = record["figures"]
    out.append(_header(record))
    out.append(
        f"\n`bench/nearest.py` (the knowledge engineer's method): synthetic points in Morocco, "
        f"nearest 5 to random coordinates, {f['queries_per_size']} queries per size.\n\n"
        "| database | points | p50 ms | p95 ms |\n|---|---:|---:|---:|\n"
    )
    for row in f["rows"]:
        out.append(
            f"| {row['database']} | {row['points']:,} | {row['p50_ms']} | {row['p95_ms']} |\n"
        )
    return "".join(out)


def alerts_section() -> str:
    """A 10,000-subscriber alert, its outbox killed mid-way and restarted (bench/alerts.py)."""
    out = ["## Alerts: 10,000 subscribers, a kill mid-way, exactly once\n"]
    record = load("alerts")
    if record is None:
        return "".join([*out, _missing("alerts")])
    f = record["figures"]
    out.append(_header(record))
    out.append(
        f"\n`bench/alerts.py`: {f['subscribers']:,} WhatsApp subscribers on PostgreSQL (half "
        f"outside the 24-hour window, so sent the template), the outbox process "
        f"(`python -m gateway.alerts`, rate limit {f['rate_limit_per_second']:g}/s) killed with "
        f"SIGKILL after {f['sent_before_kill']:,} sends, then restarted.\n\n"
        "| figure | value |\n|---|---:|\n"
        f"| rows at the kill | {f['rows_at_kill']} |\n"
        f"| status webhooks applied after the kill | {f['statuses_applied']:,} |\n"
        f"| send rate before the kill (msg/s, process start included) | {f['send_rate_first_run']} |\n"
        f"| send rate after the restart (msg/s) | {f['send_rate_after_restart']} |\n"
        f"| restart to done (s) | {f['restart_to_done_seconds']} |\n"
        f"| outbox CPU per message (ms) | {f.get('outbox_cpu_ms_per_message', 'not measured')} |\n"
        f"| load average at the end (2 cores, shared) | {f.get('load_average_during_run', '')} |\n"
        f"| subscribers reached | {f['reached']:,} |\n"
        f"| reached twice | {f['reached_twice']} |\n"
        f"| provider requests | {f['requests']:,} (templates: {f['templates']:,}) |\n"
        f"| exactly once | {'yes' if f['exactly_once'] else 'NO'} |\n"
    )
    return "".join(out)


def _startup_rows(record: dict[str, Any], label: str) -> list[str]:
    f = record["figures"]
    rows = []
    for run in f["runs"]:
        s = run["seconds"]
        load = ", ".join(str(x) for x in run["load_average_before"])
        rows.append(
            f"| {label} | {run['run']} | {s['make']} | {s['gateway']} | {s['actions']} | "
            f"{s['rasa']} | **{s['answer']}** | {load} |\n"
        )
    m = f["median_seconds"]
    rows.append(
        f"| {label} | median | {m['make']} | {m['gateway']} | {m['actions']} | {m['rasa']} | "
        f"**{m['answer']}** | |\n"
    )
    return rows


def startup_section() -> str:
    """A second `make run`: seconds until each process and the web chat answer (bench/startup.py)."""
    out = ["## Start-up: a second `make run`\n"]
    record = load("startup")
    if record is None:
        return "".join([*out, _missing("startup")])
    before = load("startup-before")
    out.append(_header(record))
    if before is not None:
        out.append("\nBefore: " + _header(before))
    out.append(
        "\n`bench/startup.py`: `make run` from a tree already set up (venvs, catalogs, knowledge "
        "base, model), polled every 0.1 s, then stopped with Ctrl-C; three runs one after the "
        "other. Seconds from the start until: make hands over to honcho; the gateway's "
        "`/healthz`, the action server's `/health` and Rasa's HTTP server answer (Rasa listens "
        'once its model is loaded); `POST /api/v1/chat` answers "bonjour" (the first '
        "prediction included). The load average is the machine's (2 cores, shared with other "
        "work) when each run started.\n\n"
        "| tree | run | make | gateway | actions | rasa | answer | load average |\n"
        "|---|---|---:|---:|---:|---:|---:|---|\n"
    )
    if before is not None:
        out.extend(_startup_rows(before, f"before ({before['machine']['commit']})"))
    out.extend(_startup_rows(record, f"after ({record['machine']['commit']})"))
    return "".join(out)


def write() -> Path:
    """Rewrite the page from whatever results exist."""
    sections = [
        INTRO,
        nlu_section(),
        nlu_sets_section(),
        training_section(),
        language_section(),
        latency_section(),
        longconv_section(),
        kb_section(),
        alerts_section(),
        startup_section(),
    ]
    if ANALYSIS.exists():
        sections.append(ANALYSIS.read_text())
    PAGE.write_text("\n".join(s.rstrip() + "\n" for s in sections))
    return PAGE
