"""python manage.py eval_semantic_triage: top-1 and top-3 team accuracy, with the confusion
matrices, of the keyword map, the learned classifier, semantic triage and their blend on the
labelled set in tests/data, before any history and after replaying half of it as resolved
history (evaluated on the other half); with ``--heldout``, also on the held-out set (written
apart and never used to choose weights), before any history and after replaying the whole
labelled set as history. Nothing is stored; the keyword map is the one
configured in the admin (a new installation's starter map by default)."""

import os
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from routing import selectors
from routing.semantic import cross_validation as cv
from routing.semantic import evaluation as ev
from routing.semantic import service, stacking
from routing.semantic.providers import get_provider

DATA = Path(settings.BASE_DIR) / "tests" / "data"


def resident_mb() -> float:
    """This process's resident set (Linux /proc), in MB; 0 where there is no /proc."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


class Command(BaseCommand):
    help = "Evaluate semantic triage on the labelled ticket set."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--teams", default=str(DATA / "triage_teams.json"))
        parser.add_argument("--tickets", default=str(DATA / "triage_tickets.json"))
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--heldout",
            nargs="?",
            const=str(DATA / "triage_heldout.json"),
            default="",
            help="Also evaluate on a held-out set (default tests/data/triage_heldout.json): "
            "before history, and after replaying the whole labelled set as history.",
        )
        parser.add_argument("--provider", default="", help="Default: settings.TRIAGE_PROVIDER.")
        parser.add_argument("--no-matrices", action="store_true")
        parser.add_argument(
            "--cv",
            action="store_true",
            help="Also cross-validate the blend's weights and the history models (history half).",
        )

    def handle(self, *args, **options) -> None:
        teams, tickets = self._load(options["teams"], options["tickets"])
        heldout = self._load(options["teams"], options["heldout"])[1] if options["heldout"] else []
        rss_before, started = resident_mb(), time.perf_counter()
        provider = get_provider(options["provider"] or None)
        self.stdout.write(
            f"provider {provider.name}: loaded in {time.perf_counter() - started:.2f} s, "
            f"resident memory +{resident_mb() - rss_before:.0f} MB"
        )
        keyword_map = selectors.keyword_map()
        weights = service.weights()
        history, evaluated = ev.split(tickets, options["seed"])
        sources = sorted({t.source for t in tickets})
        self.stdout.write(
            f"{len(tickets)} tickets, {len(teams)} teams, sources {', '.join(sources)}; "
            f"provider {provider.name}; history {len(history)}, evaluated {len(evaluated)} "
            f"(seed {options['seed']})"
        )
        runs = [
            ("before history, all tickets", tickets, None),
            ("before history, evaluated half", evaluated, None),
            ("after history, evaluated half", evaluated, history),
        ]
        results = []
        for title, rows, past in runs:
            scores = ev.evaluate(
                teams=teams,
                tickets=rows,
                provider=provider,
                keyword_map=keyword_map,
                weights=weights,
                history=past,
            )
            results.append((title, scores))
            self._table(title, scores, past is None)
        for title, rows, past in self._heldout_runs(heldout, tickets):
            scores = ev.evaluate(
                teams=teams,
                tickets=rows,
                provider=provider,
                keyword_map=keyword_map,
                weights=weights,
                history=past,
            )
            results.append((title, scores))
            self._table(title, scores, past is None)
        for title, scores in results:
            self._sources(title, scores["blend"])
        for title, scores in results[1:]:
            self._calibration(title, scores["blend"])
        if not options["no_matrices"]:
            for title, scores in results[1:]:
                for method in ev.METHODS:
                    self._matrix(f"{title}: {method}", scores[method], teams)
        self._timing(provider, evaluated, teams, history, weights, keyword_map)
        if options["cv"]:
            self._cross_validation(teams, history, provider, keyword_map, weights, options)

    @staticmethod
    def _load(teams: str, tickets: str) -> tuple[list[dict], list]:
        try:
            return ev.load_set(Path(teams), Path(tickets))
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read the labelled set {tickets}: {error}") from error

    def _heldout_runs(self, heldout: list, tickets: list) -> list[tuple]:
        """The held-out set before history and after the whole labelled set as history."""
        if not heldout:
            return []
        sources = ", ".join(sorted({t.source for t in heldout}))
        self.stdout.write(f"\nheld-out set: {len(heldout)} tickets, sources {sources}")
        return [
            ("held-out set, before history", heldout, None),
            ("held-out set, after the whole labelled set as history", heldout, tickets),
        ]

    def _sources(self, title: str, score) -> None:
        self.stdout.write(f"\nthe blend by source, {title}")
        for source, (top1, top3, total) in sorted(score.sources.items()):
            rates = f"top-1 {top1 / total:>6.1%}  top-3 {top3 / total:>6.1%}"
            self.stdout.write(f"  {source:<12} n={total:<4} {rates}")

    def _cross_validation(self, teams, history, provider, keyword_map, weights, options) -> None:
        self.stdout.write(
            f"\ncross-validation inside the history half (two folds x {cv.SEEDS} seeds), the blend:"
        )
        rows = cv.cross_validate(
            teams=teams,
            history=history,
            provider=provider,
            keyword_map=keyword_map,
            weights=weights,
            seed=options["seed"],
        )
        for name, top1, top3, error in rows:
            rates = f"top-1 {top1:>6.1%}  top-3 {top3:>6.1%}  ECE {error:.3f}"
            self.stdout.write(f"  {name:<42} {rates}")
        fitted = stacking.fit(
            teams=teams, history=history, provider=provider, keyword_map=keyword_map,
            weights=weights, seed=options["seed"],
        )  # fmt: skip
        found = ", ".join(f"{name} {value:.3f}" for name, value in fitted.items())
        self.stdout.write(f"\nhistory's weights fitted on the history half (stacking): {found}")
        profiles = stacking.fit_profiles(
            teams=teams, history=history, provider=provider, keyword_map=keyword_map
        )
        found = ", ".join(f"{name} {value:.3f}" for name, value in profiles.items())
        self.stdout.write(
            f"the profile's weights fitted on the history half before history, in units of "
            f"the profile's cosine: {found}"
        )

    def _table(self, title: str, scores: dict, before: bool) -> None:
        self.stdout.write(f"\n{title}")
        self.stdout.write(f"  {'method':<12}{'top-1':>8}{'top-3':>8}")
        for method in ev.METHODS:
            score = scores[method]
            if before and method == "classifier":
                self.stdout.write(f"  {method:<12}{'n/a':>8}{'n/a':>8}  (no resolved tickets)")
                continue
            self.stdout.write(f"  {method:<12}{score.top1_rate:>8.1%}{score.top3_rate:>8.1%}")

    def _calibration(self, title: str, score) -> None:
        error, rows = ev.calibration(score)
        self.stdout.write(f"\ncalibration of the blend's confidence, {title}: ECE {error:.3f}")
        for name, count, mean, accuracy in rows:
            self.stdout.write(
                f"  {name}  n={count:<4} confidence {mean:.2f}  accuracy {accuracy:.2f}"
            )
        for threshold in (0.4, 0.6):
            sure = [ok for confidence, ok in score.confidences if confidence >= threshold]
            queued = 1 - len(sure) / len(score.confidences)
            self.stdout.write(
                f"  below {threshold:.1f}, to the triage queue: {queued:.1%}; "
                f"top-1 of the rest {sum(sure) / max(len(sure), 1):.1%}"
            )

    def _matrix(self, title: str, score, teams: list[dict]) -> None:
        slugs = [team["slug"] for team in teams]
        short = {slug: slug[:5] for slug in slugs} | {"-": "none"}
        columns = [*slugs, "-"]
        self.stdout.write(f"\nconfusion, {title} (rows: truth, columns: predicted)")
        self.stdout.write(" " * 8 + "".join(f"{short[c]:>6}" for c in columns))
        for truth in slugs:
            cells = "".join(f"{score.confusion.get((truth, c), 0) or '.':>6}" for c in columns)
            self.stdout.write(f"{short[truth]:<8}{cells}")

    def _timing(self, provider, evaluated, teams, history, weights, keyword_map) -> None:
        # After history: the dearer case (lessons' vectors and n-gram centroids too).
        vectors = ev.team_vectors(
            teams,
            provider,
            history,
            [service.ticket_vector(t.title, t.description, provider) for t in history],
        )
        words = ev.lexicon(teams, history)
        ev.timed_triage(provider, evaluated[:20], vectors, weights, keyword_map, words)
        timings, cpu = ev.timed_triage(provider, evaluated, vectors, weights, keyword_map, words)
        self.stdout.write(
            f"\ntriage per ticket after history (embedding, glossary, n-grams, keywords, blend; "
            f"{len(teams)} teams): "
            f"wall p50 {np.percentile(timings, 50):.2f} ms, p95 {np.percentile(timings, 95):.2f} "
            f"ms, max {max(timings):.2f} ms; CPU p50 {np.percentile(cpu, 50):.2f} ms, "
            f"p95 {np.percentile(cpu, 95):.2f} ms"
        )
