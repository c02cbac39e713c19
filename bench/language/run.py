"""Language-detection benchmark: accuracy of the final choice and of lingua alone, per language.

    .venv/bin/python bench/language/run.py [--show-errors]

Reads `labelled.tsv` (language, the conversation's current language or empty, text) and prints a
Markdown table. The final choice is `gateway.language.choose_language(text, current=…)`;
"lingua alone" is lingua's top language for the text, whatever the conversation.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from dalil.languages import LANGUAGES
from gateway.language import choose_language, lingua_language, warm_up

LABELLED = Path(__file__).with_name("labelled.tsv")


def load(path: Path = LABELLED) -> list[tuple[str, str | None, str]]:
    """(language, current or None, text) rows, comments skipped."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        language, current, text = line.split("\t", 2)
        rows.append((language, current or None, text))
    return rows


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--show-errors", action="store_true", help="list the final choice's mistakes"
    )
    args = parser.parse_args()
    rows = load()
    started = time.perf_counter()
    warm_up()
    build_seconds = time.perf_counter() - started

    total: Counter[str] = Counter()
    final_ok: Counter[str] = Counter()
    lingua_ok: Counter[str] = Counter()
    errors = []
    started = time.perf_counter()
    for language, current, text in rows:
        total[language] += 1
        chosen = choose_language(text, current=current)
        if chosen == language:
            final_ok[language] += 1
        else:
            errors.append((language, current, chosen, text))
        if lingua_language(text) == language:
            lingua_ok[language] += 1
    per_message_ms = (time.perf_counter() - started) * 1000 / max(len(rows), 1)

    print("| language | messages | final choice | lingua alone |")
    print("|---|---:|---:|---:|")
    for language in LANGUAGES:
        n = total[language]
        print(
            f"| {language} | {n} | {final_ok[language] / n:.1%} | {lingua_ok[language] / n:.1%} |"
        )
    n = sum(total.values())
    print(
        f"| **all** | {n} | {sum(final_ok.values()) / n:.1%} | {sum(lingua_ok.values()) / n:.1%} |"
    )
    print(
        f"\nlingua models loaded in {build_seconds:.1f} s; {per_message_ms:.2f} ms per message after that."
    )
    if args.show_errors:
        print("\n| expected | current | chosen | text |\n|---|---|---|---|")
        for language, current, chosen, text in errors:
            print(f"| {language} | {current or ''} | {chosen} | {text} |")


if __name__ == "__main__":
    main()
