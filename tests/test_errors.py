"""The error tree: one tree, each kind with its own label, a plain message for people and detail for operators."""

from __future__ import annotations

import inspect

from locator import errors, messages

CLASSES = [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]
KINDS = [c for c in CLASSES if issubclass(c, errors.LocatorError)]


def test_every_error_the_locator_raises_is_in_one_tree_and_also_a_built_in_error():
    assert errors.LocatorError in KINDS and KINDS == CLASSES
    for kind in KINDS:
        assert issubclass(kind, errors.LocatorError), kind
        if kind is not errors.LocatorError:
            assert issubclass(kind, (ValueError, LookupError, RuntimeError)), kind


def test_every_kind_of_error_has_its_own_short_label_for_tables_and_counts():
    labels = [kind.label for kind in KINDS]
    assert len(set(labels)) == len(labels), labels
    assert all(0 < len(label) <= 32 for label in labels)


def test_a_person_reads_the_message_and_a_log_reads_the_detail_too():
    error = errors.IndexUnavailable(messages.SERVICE_UNAVAILABLE, detail="run `python -m locator.build`")
    assert error.message == messages.SERVICE_UNAVAILABLE
    assert "python" not in error.message and "index" not in error.message
    assert str(error) == f"{messages.SERVICE_UNAVAILABLE} (run `python -m locator.build`)"


def test_the_service_s_own_failures_never_put_operator_instructions_in_front_of_people():
    for sentence in (messages.SERVICE_UNAVAILABLE, messages.TREATMENT_UNAVAILABLE, messages.MAP_UNAVAILABLE):
        assert not any(word in sentence for word in ("pip", "python", "rebuild", "index", ".toml", "/"))


def test_each_error_owns_its_http_status_a_query_that_cannot_be_answered_422_the_service_503():
    for kind in KINDS:
        if issubclass(kind, (errors.IndexUnavailable, errors.TreatmentContentError, errors.MapDataError)):
            assert kind.status == 503, kind
        elif issubclass(kind, (errors.TooManyRows, errors.FileTooLarge)):
            assert kind.status == 413, kind
        else:
            assert kind.status == 422, kind


def test_each_error_owns_its_json_object_named_by_a_type_used_once():
    types = [kind.error_type for kind in KINDS]
    assert len(set(types)) == len(types), types
    error = errors.UnknownPlace("We could not find Readng.", ["Reading"])
    assert error.to_dict("Readng") == {
        "query": "Readng", "ok": False, "error": "We could not find Readng.", "error_type": "UnknownPlace",
        "suggestions": ["Reading"], "precision": None, "normalised": None, "location": None, "distances": None,
        "clinic": None}


def test_a_renamed_error_keeps_the_type_its_json_has_always_given():
    assert errors.OverseasAddress.error_type == "OutsideCoverage"


def test_no_public_exception_class_lives_outside_the_tree():
    # A private one (the parser's _ReadAs) is control flow inside its module and never reaches a caller.
    import ast
    from pathlib import Path

    for path in Path(errors.__file__).parent.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                assert not bases & {"Exception", "ValueError", "LookupError", "RuntimeError", "KeyError"}, \
                    f"{path.name}: {node.name} is an exception outside locator/errors.py"
