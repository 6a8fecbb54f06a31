"""python manage.py eval_triage: the learned model against the keyword map on a generated,
realistic set of tickets (routing.triage_eval), same held-out split for both. Nothing is
stored; the keyword map is the one configured in the admin."""

import time

from django.core.management.base import BaseCommand, CommandError
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from routing import learned_triage, selectors, triage, triage_eval


class Command(BaseCommand):
    help = "Accuracy and macro F1 of the learned triage and of the keyword fallback."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tickets", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--test-size", type=float, default=0.2)

    def handle(self, *args, tickets: int, seed: int, test_size: float, **options) -> None:
        if tickets < 200:
            raise CommandError("Use at least 200 tickets.")
        sample = triage_eval.generate(tickets, seed=seed)
        train, test = train_test_split(
            sample, test_size=test_size, random_state=seed, stratify=[t.category for t in sample]
        )
        started = time.perf_counter()
        with threadpool_limits(limits=1):
            model = learned_triage.build_pipeline().fit(
                [learned_triage.ticket_text(t.title, t.description) for t in train],
                [t.category for t in train],
            )
            fit_seconds = time.perf_counter() - started
            texts = [learned_triage.ticket_text(t.title, t.description) for t in test]
            truth = [t.category for t in test]
            learned = list(model.predict(texts))
        keyword_map = selectors.keyword_map()
        keywords = [
            triage.guess_category(t.title, t.description, keyword_map) or "other" for t in test
        ]
        self.stdout.write(
            f"{len(sample)} generated tickets over {len(triage_eval.CATEGORIES)} categories; "
            f"trained on {len(train)}, evaluated on {len(test)} (seed {seed}); "
            f"fit {fit_seconds:.1f} s"
        )
        self.stdout.write(f"{'method':<22}{'accuracy':>10}{'macro F1':>10}")
        for name, predicted in (("learned (TF-IDF + LR)", learned), ("keyword map", keywords)):
            accuracy = accuracy_score(truth, predicted)
            macro_f1 = f1_score(truth, predicted, average="macro", zero_division=0)
            self.stdout.write(f"{name:<22}{accuracy:>10.3f}{macro_f1:>10.3f}")
