from django.core.management import call_command


def test_it_generates_a_valid_openapi_schema_without_warnings(db, tmp_path):
    # --fail-on-warn turns enum name collisions and unresolvable serializers into failures.
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate", "--fail-on-warn")
    schema = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    for path in ("/api/v1/orgs/organizations/", "/api/v1/activities/", "/api/v1/agreements/", "/api/v1/exchange/", "/api/v1/projects/"):
        assert path in schema
