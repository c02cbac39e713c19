"""One table says who may do what (`PERMISSIONS`); every check, page or domain, goes through it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.admin import content
from gateway.admin.content import NotAllowed
from gateway.admin.models import ROLES, AdminUser, Draft, DraftStatus, Revision
from gateway.admin.security import PERMISSIONS, Permission, allowed

GATEWAY = Path(__file__).resolve().parents[3] / "gateway"


def test_allowed_reads_the_table_for_every_role_and_permission() -> None:
    assert set(PERMISSIONS) == set(ROLES)
    for role in ROLES:
        for permission in Permission:
            assert allowed(role, permission) is (permission in PERMISSIONS[role]), (
                role,
                permission,
            )
            assert allowed(role, permission.value) is allowed(role, permission)
        assert not allowed(None, Permission.CONTENT)
    with pytest.raises(ValueError):
        allowed("admin", "no-such-permission")


def _draft(status: DraftStatus) -> Draft:
    return Draft(id=7, kind="service_point", entity_id="x", status=status, author_id=1, payload={})


# Each domain step, called by a user who did not write the draft, and the permission it needs.
STEPS: dict[str, tuple[Permission, Callable[[AdminUser], object]]] = {
    "submit another's draft": (
        Permission.EDIT_ANY_DRAFT,
        lambda user: content.submit_draft(_draft(DraftStatus.DRAFT), user=user),
    ),
    "change another's draft": (
        Permission.EDIT_ANY_DRAFT,
        lambda user: content.update_draft(
            None, _draft(DraftStatus.DRAFT), user=user, payload={}, note=""
        ),
    ),
    "reject": (
        Permission.PUBLISH,
        lambda user: content.reject_draft(_draft(DraftStatus.SUBMITTED), user=user),
    ),
    "publish": (
        Permission.PUBLISH,
        lambda user: content.publish_draft(None, _draft(DraftStatus.DRAFT), user=user),
    ),
    "roll back": (
        Permission.PUBLISH,
        lambda user: content.rollback(None, Revision(id=3, before=None), user=user),
    ),
    "publish an eligibility rule": (
        Permission.PUBLISH,
        lambda user: content.publish_eligibility(None, document={}, user=user),
    ),
}


def _refused_for_the_role(step: Callable[[AdminUser], object], user: AdminUser) -> bool:
    """Whether the step refuses the user for their role (the refusals say "only ...")."""
    try:
        step(user)
    except NotAllowed as exc:
        return str(exc).startswith("only ")
    except Exception:  # past the role check: the draft itself is refused
        return False
    return False


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(STEPS))
def test_every_domain_step_follows_the_table(
    role: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Granting or withdrawing the permission in the table is all it takes, for every role."""
    permission, step = STEPS[name]
    user = AdminUser(id=2, email="someone@dalil.test", role=role)
    for granted in (True, False):
        table = {**PERMISSIONS, role: frozenset(Permission) - (set() if granted else {permission})}
        monkeypatch.setattr("gateway.admin.security.PERMISSIONS", table)
        assert _refused_for_the_role(step, user) is not granted, (role, name, granted)


def test_no_role_is_compared_by_name_outside_the_table() -> None:
    """`role == "admin"` in a route, a domain function or a template would be a second table."""
    pattern = re.compile(r"""role\s*(==|!=|\bin\b|\bnot in\b)\s*[("'\[]""")
    offenders = [
        f"{path.relative_to(GATEWAY)}:{number}"
        for path in sorted([*GATEWAY.rglob("*.py"), *GATEWAY.rglob("*.html")])
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
