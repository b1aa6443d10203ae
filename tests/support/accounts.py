"""Staff accounts and API tokens made straight through the services, for tests."""

from __future__ import annotations

from flask import Flask

from contact_centre.domain.enums import Role
from contact_centre.domain.people import StaffUser
from contact_centre.runtime import Runtime
from contact_centre.services.staff import create_token, create_user

PASSWORD = "mot-de-passe-test"


def add_user(app: Flask, username: str, role: Role = Role.AMBASSADOR, full_name: str = "") -> StaffUser:
    with app.app_context():
        rt: Runtime = app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            user = create_user(uow, username, role, PASSWORD, full_name=full_name or username.title())
            uow.commit()
            return user


def add_token(app: Flask, username: str) -> str:
    with app.app_context():
        rt: Runtime = app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            token = create_token(uow, username)
            uow.commit()
            return token
