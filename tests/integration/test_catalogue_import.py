"""Catalogue import on both backends: create, re-import, deactivate, refuse bad files whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contact_centre.domain.catalogue import Process, search_processes
from contact_centre.domain.people import StaffUser
from contact_centre.services.catalogue_import import CatalogueError, import_processes, import_referents
from tests.support.factories import processes_csv, referents_csv


def test_six_hundred_processes_imported_twice_then_some_removed(rt):
    with rt.new_uow() as uow:
        import_referents(uow, referents_csv())
        first = import_processes(uow, processes_csv(600))
        assert (first.created, first.updated, first.deactivated) == (600, 0, 0)

        again = import_processes(uow, processes_csv(600))
        assert (again.created, again.updated, again.unchanged, again.deactivated) == (0, 0, 600, 0)
        assert uow.session.scalar(select(func.count()).select_from(Process)) == 600

        changed = import_processes(uow, processes_csv(600, skip={5, 6, 7}, title_suffix=" (v2)"))
        assert (changed.created, changed.updated, changed.deactivated) == (0, 597, 3)
        assert uow.session.scalar(select(func.count()).select_from(Process)) == 600
        inactive = uow.session.scalars(select(Process.code).where(Process.active.is_(False))).all()
        assert sorted(inactive) == ["P-0005", "P-0006", "P-0007"]

        process = uow.session.scalar(select(Process).where(Process.code == "P-0001"))
        assert [r.username for r in process.referents] == ["ref10", "ref11"]
        assert process.service.entity.value == "ccas"


def test_unknown_referent_refuses_the_whole_file(rt):
    with rt.new_uow() as uow:
        import_referents(uow, referents_csv())
        bad = processes_csv(10).replace("ref00|ref01", "ref00|inconnu", 1)
        with pytest.raises(CatalogueError) as err:
            import_processes(uow, bad)
        assert err.value.errors == ["ligne 2 : référent inconnu « inconnu » (P-0000)"]
        assert uow.session.scalar(select(func.count()).select_from(Process)) == 0


def test_search_as_you_type_ignores_accents_and_case(rt):
    with rt.new_uow() as uow:
        import_referents(uow, referents_csv())
        import_processes(uow, processes_csv(30))
        found = search_processes(uow.session, "ECLAIRAGE n°12")
        assert [p.code for p in found][:1] == ["P-0012"]
        assert search_processes(uow.session, "p-0003")[0].code == "P-0003"
        assert search_processes(uow.session, "zzz introuvable") == []


def test_referents_are_accounts_without_password(rt):
    with rt.new_uow() as uow:
        summary = import_referents(uow, referents_csv())
        assert summary.created == 6
        user = uow.session.scalar(select(StaffUser).where(StaffUser.username == "ref10"))
        assert user.password_hash == "" and user.service.name == "Action sociale"
        assert import_referents(uow, referents_csv()).unchanged == 6
