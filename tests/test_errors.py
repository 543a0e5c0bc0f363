"""The error tree: one tree, each kind with its own label, a plain message for people and detail for operators."""

from __future__ import annotations

import inspect

from locator import errors, messages

KINDS = [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]


def test_every_error_the_locator_raises_is_in_one_tree_and_also_a_built_in_error():
    assert errors.LocatorError in KINDS
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
