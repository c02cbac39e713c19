"""The three-way merge of the YAML into the live content, item by item and field by field."""

from knowledge.importer import ABSENT, Items, merge_content

BASE = {("service_point", "p"): {"id": "p", "address": "A", "phones": ["1"]}}


def test_an_item_changed_only_in_the_yaml_takes_the_yaml() -> None:
    file = {("service_point", "p"): {"id": "p", "address": "B", "phones": ["1"]}}
    merged, baselines, conflicts = merge_content(base=BASE, live=BASE, file=file)
    assert (merged, baselines, conflicts) == (file, file, [])


def test_changes_to_different_fields_are_both_kept() -> None:
    live = {("service_point", "p"): {"id": "p", "address": "A", "phones": ["2"]}}
    file = {("service_point", "p"): {"id": "p", "address": "B", "phones": ["1"]}}
    merged, baselines, conflicts = merge_content(base=BASE, live=live, file=file)
    assert conflicts == []
    assert merged == {("service_point", "p"): {"id": "p", "address": "B", "phones": ["2"]}}
    assert baselines == file


def test_the_same_field_changed_on_both_sides_is_a_conflict_left_live() -> None:
    live = {("service_point", "p"): {"id": "p", "address": "A", "phones": ["2"]}}
    file = {("service_point", "p"): {"id": "p", "address": "B", "phones": ["3"]}}
    merged, baselines, conflicts = merge_content(base=BASE, live=live, file=file)
    assert [(c.item, c.field, c.live, c.file) for c in conflicts] == [
        ("service_point:p", "phones", ["2"], ["3"])
    ]
    # Nothing of the YAML is applied to a conflicting item, and its baseline stays.
    assert merged == live and baselines == BASE
    merged, baselines, _ = merge_content(base=BASE, live=live, file=file, prefer="file")
    assert merged == file and baselines == file
    merged, baselines, _ = merge_content(base=BASE, live=live, file=file, prefer="live")
    assert merged == {("service_point", "p"): {"id": "p", "address": "B", "phones": ["2"]}}
    assert baselines == file


def test_removed_from_the_yaml_removes_only_an_item_not_changed_live() -> None:
    merged, baselines, conflicts = merge_content(base=BASE, live=BASE, file={})
    assert (merged, baselines, conflicts) == ({}, {}, [])
    live = {("service_point", "p"): {"id": "p", "address": "A", "phones": ["2"]}}
    merged, _, conflicts = merge_content(base=BASE, live=live, file={})
    assert merged == live
    assert [(c.item, c.field, c.file) for c in conflicts] == [("service_point:p", "(item)", ABSENT)]


def test_without_a_baseline_any_difference_is_a_conflict_and_live_only_items_stay() -> None:
    live: Items = {
        ("service_point", "p"): {"id": "p", "address": "A", "phones": ["2"]},
        ("service_point", "new_live"): {"id": "new_live"},
    }
    file = {("service_point", "p"): {"id": "p", "address": "A", "phones": ["1"]}}
    merged, _, conflicts = merge_content(base={}, live=live, file=file)
    assert [c.field for c in conflicts] == ["phones"]
    assert merged == live
