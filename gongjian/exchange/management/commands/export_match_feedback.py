import json
from pathlib import Path

from django.core.management.base import BaseCommand

from gongjian.audit.models import Action
from gongjian.audit.recording import record
from gongjian.exchange.matching.feedback import evaluation_set


class Command(BaseCommand):
    help = "Write users' verdicts on suggestions and claims made from them as a matching evaluation set (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="File to write, e.g. var/match_feedback.json.")

    def handle(self, *args, out, **options):
        data = evaluation_set()
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        judged = sum(len(j) for j in data["judgements"].values())
        # Item texts and organization names leave the platform: recorded like any export.
        changes = {"what": "match feedback", "needs": len(data["needs"]), "judgements": judged}
        record(Action.EXPORT, None, changes=changes, actor_name="manage.py export_match_feedback")
        self.stdout.write(f"{path}: {len(data['needs'])} needs, {len(data['resources'])} resources, {judged} graded pairs.")
