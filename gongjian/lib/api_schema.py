"""The schema class named in settings.REST_FRAMEWORK (apart from lib.api_policy, which DRF's
settings import before drf-spectacular can be)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import serializers
from rest_framework.settings import api_settings

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's operations plus the errors each one can answer, so that the schema names
    every status and body a client must handle. drf-spectacular lists the success answer only.

    Every error body is ``{"detail": "…"}`` except a 400, which maps each field (or
    ``non_field_errors``) to its messages (lib.api.exception_handler).
    """

    def map_parsers(self):
        """JSON, unless the view chose its parsers (an upload) or its body has a file: the form
        encodings DRF also reads by default read an empty field as "not given", which a schema
        cannot say, so the schema offers them only where a file needs them."""
        media_types = super().map_parsers()
        chosen = [type(parser) for parser in self.view.get_parsers()] != api_settings.DEFAULT_PARSER_CLASSES
        serializer = force_instance(self.get_request_serializer())
        fields = serializer.fields.values() if isinstance(serializer, serializers.Serializer) else []
        if chosen or any(isinstance(field, serializers.FileField) for field in fields):
            return media_types
        return [media_type for media_type in media_types if media_type == "application/json"] or media_types

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for status, description in self._error_statuses(operation):
            schema = self._error_component(status).ref
            answer = responses.setdefault(str(status), {"description": description})
            content = answer.setdefault("content", {}).setdefault("application/json", {})
            if "schema" in content and content["schema"] != schema:
                # The view declared a body of its own for this status (a bulk check's report);
                # DRF's own errors (a malformed body) can still answer it.
                content["schema"] = {"anyOf": [content["schema"], schema]}
            else:
                content["schema"] = schema
            if status == 429:
                answer["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": str(_("Seconds to wait before trying again."))}
                }
        return operation

    def _error_statuses(self, operation):
        parameters = operation.get("parameters", [])
        writes = self.method in WRITES
        anonymous = {} in operation.get("security", [{}])
        statuses = []
        if writes or any(p["in"] == "query" for p in parameters):
            statuses.append((400, _("The request is not valid: the messages say why, by field.")))
        if not anonymous:
            statuses.append((401, _("Not signed in, or the token is not valid.")))
            statuses.append((403, _("Not allowed for this account.")))
        names_object = any(p["in"] == "path" or p.get("schema", {}).get("format") == "uuid" for p in parameters)
        if names_object or any(p["name"] == "page" for p in parameters):
            statuses.append((404, _("No such object in your scope, or no such page.")))
        if writes:
            statuses.append((409, _("The change conflicts with the current state or with other data.")))
        if "requestBody" in operation:
            statuses.append((415, _("The body's media type is not one this operation reads.")))
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
            statuses.append((507, _("The server's storage is full: the file was not saved.")))
        if self.view.get_throttles():
            statuses.append((429, _("Too many requests: try again after Retry-After seconds.")))
        return [(status, str(description)) for status, description in statuses]

    def _error_component(self, status):
        if status == 400:
            component = ResolvedComponent(
                name="ValidationError",
                type=ResolvedComponent.SCHEMA,
                object="ValidationError",
                schema={
                    "type": "object",
                    "description": str(
                        _("Each field's messages; non_field_errors for the request as a whole; detail for a body that could not be read.")
                    ),
                    "additionalProperties": {},
                },
            )
        else:
            component = ResolvedComponent(
                name="Error",
                type=ResolvedComponent.SCHEMA,
                object="Error",
                schema={"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
            )
        self.registry.register_on_missing(component)
        return component
