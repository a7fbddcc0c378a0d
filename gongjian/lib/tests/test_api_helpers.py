"""lib.api: how a model's ValidationError, a database conflict and a protected row become API answers."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404

from gongjian.lib.api import django_errors_to_drf, exception_handler


class TestDjangoErrorsToDrf:
    def test_it_keys_field_errors_by_field_and_the_rest_as_non_field_errors(self):
        error = DjangoValidationError({"name": ["重名。"], NON_FIELD_ERRORS: ["整体不对。"]})
        assert django_errors_to_drf(error).detail == {"name": ["重名。"], "non_field_errors": ["整体不对。"]}

    def test_it_keys_a_bare_message_as_non_field_errors(self):
        assert django_errors_to_drf(DjangoValidationError("请先恢复其上级组织。")).detail == {"non_field_errors": ["请先恢复其上级组织。"]}


class TestExceptionHandler:
    def answer(self, exc):
        response = exception_handler(exc, {})
        return response.status_code, response.data

    def test_it_answers_a_database_conflict_with_409(self):
        # The database's own text (table and column names, sometimes a value) stays out of the answer.
        assert self.answer(IntegrityError("UNIQUE constraint failed: orgs_person.phone_hash")) == (
            409,
            {"detail": "此修改与已有数据冲突。"},
        )

    def test_it_answers_a_protected_row_with_409(self):
        assert self.answer(ProtectedError("in use", set())) == (409, {"detail": "该条目仍在使用中，不能删除。"})

    def test_it_answers_a_model_validation_error_with_400_by_field(self):
        assert self.answer(DjangoValidationError({"phone": ["已有其他人使用此手机号码。"]})) == (
            400,
            {"phone": ["已有其他人使用此手机号码。"]},
        )

    def test_it_hides_the_english_message_of_a_404(self):
        status, data = self.answer(Http404("No Organization matches the given query."))
        assert (status, str(data["detail"])) == (404, "未找到。")
