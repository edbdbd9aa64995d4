"""The API's documentation as a plain, accessible page in the service's own look, read from the
same OpenAPI schema as /api/openapi.json (instead of Swagger UI, whose page failed WCAG 2.2:
no language, no mobile viewport, low contrast, nested controls)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict[str, Any]) -> str:
    """A short readable type: "string", "integer or null", "list of CouncilOut", "Framework"."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _type(schema["allOf"][0])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "object")
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)


def _body(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    media, spec = next(iter(content.items()))
    return f"{_type(spec.get('schema', {}))} ({media})"


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Operations grouped by tag, in the schema's order, with parameters and responses."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            groups.setdefault((op.get("tags") or ["other"])[0], []).append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": _body((op.get("requestBody") or {}).get("content")),
                    "responses": [
                        {
                            "code": code,
                            "description": r.get("description", ""),
                            "body": _body(r.get("content")),
                        }
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in groups.items()]


def models(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The named schemas (request and response bodies) with their fields."""
    out = []
    for name, spec in schema.get("components", {}).get("schemas", {}).items():
        required = set(spec.get("required", []))
        out.append(
            {
                "name": name,
                "description": spec.get("description", ""),
                "fields": [
                    {
                        "name": field,
                        "type": _type(sub),
                        "required": field in required,
                        "description": sub.get("description", ""),
                    }
                    for field, sub in spec.get("properties", {}).items()
                ],
            }
        )
    return out


class ReadableDocs(DocsBase):
    def render_page(self, request: HttpRequest, api, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "api": api,
                "info": schema.get("info", {}),
                "groups": operations(schema),
                "models": models(schema),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )
