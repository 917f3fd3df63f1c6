"""What an import reports: one Outcome per file or record, and the Report of a whole run.

Plain data, no Django: the importer and the article store produce it; the commands print it, the
admin shows it as a preview and keeps it as the history of an upload.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

IMPORTED, UPDATED, SKIPPED, FAILED = "imported", "updated", "skipped", "failed"
STATUSES = (IMPORTED, UPDATED, SKIPPED, FAILED)


@dataclass
class Outcome:
    name: str  # the file, plus the record position for multi-record files
    status: str
    message: str = ""
    article_id: int | None = None
    # What the article looks like (title, date and precision, duplicates …): previews, reports.
    preview: dict | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "article_id": self.article_id,
            "preview": self.preview,
        }


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    # Set when a preview stopped early (ARCHIVE_PREVIEW_RECORDS): what it did not look at.
    unread_files: int = 0
    unread_records: int = 0
    # Outcomes handed on as they came (Importer's sink) are counted here, not kept; of those,
    # the failures are kept without their preview, for the end of a run to list them.
    passed_on: Counter = field(default_factory=Counter)
    failures_passed_on: list[Outcome] = field(default_factory=list)

    def add(self, outcomes: list[Outcome], *, keep: bool = True) -> None:
        if keep:
            self.outcomes.extend(outcomes)
            return
        for outcome in outcomes:
            self.passed_on[outcome.status] += 1
            if outcome.status == FAILED:
                self.failures_passed_on.append(Outcome(outcome.name, FAILED, outcome.message))

    def counts(self) -> Counter:
        counts = Counter(outcome.status for outcome in self.outcomes)
        counts.update(self.passed_on)
        return counts

    @property
    def failed(self) -> list[Outcome]:
        kept = [outcome for outcome in self.outcomes if outcome.status == FAILED]
        return kept + self.failures_passed_on

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{status} {counts[status]}" for status in STATUSES)
