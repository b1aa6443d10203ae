from pathlib import Path

import pytest

from contact_centre.settings import Settings, SettingsError


def test_defaults_are_the_embedded_ones(tmp_path: Path):
    settings = Settings.from_env({"INSTANCE_PATH": str(tmp_path)}).resolved()
    assert settings.database_url == f"sqlite:///{tmp_path / 'espace-citoyen.sqlite3'}"
    assert settings.redis_url == "" and not settings.uses_redis
    # A development secret is generated once and reused, never committed.
    assert settings.secret_key == Settings.from_env({"INSTANCE_PATH": str(tmp_path)}).resolved().secret_key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_environment_overrides(tmp_path: Path):
    settings = Settings.from_env({
        "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "postgresql+psycopg://u@h/db", "REDIS_URL": "redis://h:6379/0",
        "SECRET_KEY": "s", "CLAIM_LEASE_SECONDS": "30", "ALLOWED_ORIGINS": "https://a.fr, https://b.fr",
        "SESSION_COOKIE_SECURE": "oui", "PUBLIC_BASE_URL": "https://grc.ville.fr/",
    }).resolved()  # fmt: skip
    assert settings.uses_redis and settings.secret_key == "s" and settings.claim_lease_seconds == 30
    assert settings.allowed_origins == ("https://a.fr", "https://b.fr")
    assert settings.session_cookie_secure and settings.public_base_url == "https://grc.ville.fr"


def test_a_bad_number_names_the_variable():
    with pytest.raises(SettingsError, match="CLAIM_LEASE_SECONDS doit être un entier"):
        Settings.from_env({"CLAIM_LEASE_SECONDS": "deux minutes"})
