"""The API's OpenAPI 3.1 description, served at ``/api/v1/openapi.json``.

It describes everything the API answers: every status with its JSON body,
``Retry-After`` on 503, the limits behind 413, and the exact shapes of an
answer, a query's error and a refused request (all fields required, no
others), so that a generated client, or schemathesis in the tests, can hold
the server to it. The enums come from the core's own types.
"""

from __future__ import annotations

from locator.model import Precision, Region
from locator.parse import MAX_QUERY_LENGTH

_REF = "#/components/schemas/"
_STRING_LIST = {"type": "array", "items": {"type": "string"}}


def _closed(properties: dict, description: str | None = None) -> dict:
    """An object with exactly these properties, all of them present."""
    schema = {"type": "object", "required": list(properties), "properties": properties,
              "additionalProperties": False}
    return {"description": description, **schema} if description else schema


_DISTANCE = {
    "miles": {"type": "number", "minimum": 0},
    "km": {"type": "number", "minimum": 0},
    "straight_line": {"const": True, "description": "Always a straight line, not a route"},
}
_CLINIC = _closed({
    "id": {"type": "string"}, "name": {"type": "string"}, "address": {"type": "string"},
    "address_lines": _STRING_LIST,
    "phone_e164": {"type": "string"}, "phone_dial": {"type": "string", "description": "As this caller dials it"},
    "tel": {"type": "string"}, "email": {"type": "string"}, "directions_url": {"type": "string"},
})
_ANSWER = _closed({
    "query": {"type": "string", "description": "The query as sent"},
    "ok": {"const": True},
    "error": {"type": "null"},
    "precision": {"enum": [p.value for p in Precision if p is not Precision.DEVICE],
                  "description": "How finely the query was located"},
    "normalised": {"type": "string", "description": "What was located: SL6 8DG, SL6, Reading"},
    "region": {"enum": [r.value for r in Region]},
    "location": _closed({"lat": {"type": "number", "minimum": -90, "maximum": 90},
                         "lon": {"type": "number", "minimum": -180, "maximum": 180}}),
    "note": {"type": ["string", "null"], "description": "What a person should know about how it was read"},
    "alternatives": {**_STRING_LIST, "description": "Other queries the text could mean"},
    "distance": _closed(_DISTANCE, "To the chosen clinic"),
    "distances": {"type": "object", "description": "Every clinic by id, nearest first",
                  "additionalProperties": _closed({"name": {"type": "string"}, **_DISTANCE,
                                                   "serves_you": {"type": "boolean"}})},
    "clinic": _CLINIC,
}, "Exactly one line of `python -m locator --json`: the nearest clinic that takes patients from where the query is.")
_QUERY_ERROR = _closed({
    "query": {"type": "string", "description": "The query as sent; a broken character (a lone UTF-16 surrogate) "
                                               "is shown as U+FFFD"},
    "ok": {"const": False},
    "error": {"type": "string", "minLength": 1, "description": "What was wrong and what a good query looks like"},
    "error_type": {"type": "string", "description": "The kind of error (the core's error class)"},
    "suggestions": {**_STRING_LIST, "description": "Queries the person may have meant"},
    "precision": {"type": "null"}, "normalised": {"type": "null"}, "location": {"type": "null"},
    "distances": {"type": "null"}, "clinic": {"type": "null"},
}, "One query that cannot be answered, as `python -m locator --json` writes it; the rest of a list is answered.")
_REFUSED = _closed({"ok": {"const": False}, "error": {"type": "string", "minLength": 1}},
                   "A request the API refused as a whole: what was wrong and what a good request looks like.")


def _json(schema_name: str, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": {"$ref": _REF + schema_name}}}}
    return {**response, "headers": headers} if headers else response


def describe(max_queries: int, max_body_bytes: int | None = None, retry_after_s: int = 1) -> dict:
    """The description, for a POST limit of ``max_queries`` queries in at most ``max_body_bytes`` bytes."""
    too_big = f"More than {max_queries:,} queries" + (
        f", or a body over {max_body_bytes:,} bytes" if max_body_bytes else "")
    busy = _json("Refused", "The server is full (busy), or its postcode index cannot be loaded: try again after "
                            "Retry-After seconds. Nothing a client sends causes it.",
                 {"Retry-After": {"required": True, "description": f"Seconds to wait ({retry_after_s} when busy)",
                                  "schema": {"type": "string", "pattern": "^[0-9]+$"}}})
    wrong_method = _json("Refused", "That method is not supported here; Allow lists those that are",
                         {"Allow": {"required": True, "schema": {"type": "string"}}})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Clinic Locator API",
            "version": "1",
            "description": "Which vein clinic a UK postcode, Eircode or town should go to, how far it is and how to "
                           "reach it. Answers are those of `python -m locator --json`. Browsers may call it only from "
                           "the origins in CLINIC_LOCATOR_ALLOWED_ORIGINS. Any other address under /api/ is a JSON "
                           "404 (components.responses.NotFound); a method an address does not take is a JSON 405 "
                           "with Allow. No request is ever answered with a 5xx other than 503.",
        },
        "paths": {
            "/api/v1/nearest": {
                "get": {
                    "summary": "The nearest clinic for one query",
                    "operationId": "nearestOne",
                    "parameters": [{"name": "q", "in": "query", "required": True, "example": "SL6 8DG",
                                    "description": f"A postcode, Eircode or town; at most {MAX_QUERY_LENGTH} "
                                                   f"characters (a longer one is a 422 saying so)",
                                    "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH}}],
                    "responses": {
                        "200": _json("Answer", "Answered"),
                        "422": _json("QueryError", "The query cannot be answered: the core's error and suggestions"),
                        "400": _json("Refused", "No q, or more than one"),
                        "405": wrong_method,
                        "503": busy,
                    },
                },
                "post": {
                    "summary": f"The nearest clinic for each of up to {max_queries:,} queries, in order",
                    "operationId": "nearestMany",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["queries"], "additionalProperties": False,
                        "properties": {"queries": {"type": "array", "maxItems": max_queries,
                                                   "items": {"type": "string"}}}},
                        "example": {"queries": ["SL6 8DG", "D18 X5K7", "Reading"]}}}},
                    "responses": {
                        "200": _json("Results", "One answer or error object per query, in the order given; a query "
                                                "that cannot be read or answered gets its own error object"),
                        "400": _json("Refused", "The body is not a JSON object holding only a list of strings named "
                                                "queries (not JSON, nested too deep, other keys, a query that is not "
                                                "a string), or the Content-Type is not application/json"),
                        "405": wrong_method,
                        "413": {**_json("Refused", f"{too_big}: split the list into several requests"),
                                "x-max-queries": max_queries, "x-max-body-bytes": max_body_bytes},
                        "503": busy,
                    },
                },
                "options": {
                    "summary": "CORS preflight, for the origins in CLINIC_LOCATOR_ALLOWED_ORIGINS",
                    "operationId": "nearestPreflight",
                    "parameters": [
                        {"name": "Origin", "in": "header", "required": False, "schema": {"type": "string"}},
                        {"name": "Access-Control-Request-Method", "in": "header", "required": False,
                         "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "204": {"description": "Allowed; without a preflight's headers, Allow lists the methods"},
                        "403": _json("Refused", "A preflight from an origin that may not call the API"),
                        "405": _json("Refused", "A preflight for a method the API does not take"),
                    },
                },
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This description",
                    "operationId": "description",
                    "responses": {
                        "200": {"description": "The OpenAPI document",
                                "content": {"application/json": {"schema": {"type": "object"}}}},
                        "405": wrong_method,
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "Answer": _ANSWER,
                "QueryError": _QUERY_ERROR,
                "Result": {"oneOf": [{"$ref": _REF + "Answer"}, {"$ref": _REF + "QueryError"}]},
                "Results": _closed({"results": {"type": "array", "items": {"$ref": _REF + "Result"}}}),
                "Refused": _REFUSED,
            },
            "responses": {"NotFound": _json("Refused", "Any address under /api/ that is not one of these paths")},
        },
    }
