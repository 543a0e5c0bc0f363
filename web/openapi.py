"""The API's short OpenAPI 3.1 description, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from locator.postcodes import MAX_QUERY_LENGTH

_ERROR = {
    "type": "object",
    "description": "A request the API refused.",
    "required": ["ok", "error"],
    "properties": {"ok": {"const": False}, "error": {"type": "string", "description": "What was wrong, for a person"}},
}
_DISTANCE = {
    "type": "object",
    "properties": {"miles": {"type": "number"}, "km": {"type": "number"}, "straight_line": {"const": True}},
}
_ANSWER = {
    "type": "object",
    "description": "Exactly one line of `python -m locator --json`: the nearest clinic that takes patients from "
                   "where the query is, or (ok false) the core's error, with suggestions for near misses.",
    "required": ["query", "ok", "error"],
    "properties": {
        "query": {"type": "string"},
        "ok": {"type": "boolean"},
        "error": {"type": ["string", "null"]},
        "error_type": {"type": "string", "description": "Only when ok is false: the kind of error"},
        "suggestions": {"type": "array", "items": {"type": "string"}},
        "precision": {"enum": ["postcode", "sector", "district", "place", "area", None]},
        "normalised": {"type": ["string", "null"]},
        "region": {"type": "string"},
        "location": {"type": ["object", "null"],
                     "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
        "note": {"type": ["string", "null"]},
        "alternatives": {"type": "array", "items": {"type": "string"}},
        "distance": _DISTANCE,
        "distances": {"type": ["object", "null"], "description": "Every clinic by id, nearest first",
                      "additionalProperties": {"allOf": [_DISTANCE, {"properties": {
                          "name": {"type": "string"}, "serves_you": {"type": "boolean"}}}]}},
        "clinic": {"type": ["object", "null"], "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "address": {"type": "string"},
            "address_lines": {"type": "array", "items": {"type": "string"}},
            "phone_e164": {"type": "string"}, "phone_dial": {"type": "string", "description": "As this caller dials it"},
            "tel": {"type": "string"}, "email": {"type": "string"}, "directions_url": {"type": "string"}}},
    },
}


def _refused(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


_BUSY = _refused("Busy, or the postcode index cannot be loaded: try again after Retry-After seconds")

def describe(max_queries: int) -> dict:
    """The description, for a POST limit of ``max_queries``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Clinic Locator API",
            "version": "1",
            "description": "Which vein clinic a UK postcode, Eircode or town should go to, how far it is and how to "
                           "reach it. Answers are those of `python -m locator --json`. Browsers may call it only from "
                           "the origins in CLINIC_LOCATOR_ALLOWED_ORIGINS.",
        },
        "paths": {
            "/api/v1/nearest": {
                "get": {
                    "summary": "The nearest clinic for one query",
                    "parameters": [{"name": "q", "in": "query", "required": True, "example": "SL6 8DG",
                                    "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH}}],
                    "responses": {
                        "200": {"description": "Answered",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answer"}}}},
                        "422": {"description": "Cannot be answered (ok false: the core's error and suggestions)",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answer"}}}},
                        "400": _refused("No q, or more than one"),
                        "503": _BUSY,
                    },
                },
                "post": {
                    "summary": f"The nearest clinic for each of up to {max_queries:,} queries, in order",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["queries"], "additionalProperties": False,
                        "properties": {"queries": {"type": "array", "maxItems": max_queries,
                                                   "items": {"type": "string"}}}},
                        "example": {"queries": ["SL6 8DG", "D18 X5K7", "Reading"]}}}},
                    "responses": {
                        "200": {"description": "One answer or error object per query, in the order given",
                                "content": {"application/json": {"schema": {
                                    "type": "object", "properties": {"results": {
                                        "type": "array", "items": {"$ref": "#/components/schemas/Answer"}}}}}}},
                        "400": _refused("Not JSON, not an object with a list of strings named queries, or the wrong "
                                        "Content-Type"),
                        "413": _refused(f"More than {max_queries:,} queries, or a body too big to hold them"),
                        "503": _BUSY,
                    },
                },
            },
        },
        "components": {"schemas": {"Answer": _ANSWER, "Error": _ERROR}},
    }
