"""Settings in sections, read once from the environment and checked before anything starts.

A section is a frozen dataclass whose fields are declared once with `setting(...)` (`fields.py`): the
environment variable, the default, the parser that checks a value, whether it is a secret, and a
one-line French description (`contact-centre check-config` prints it). The core sections
(`core.py`) are typed attributes of `Settings` (`settings.app.timezone`); each channel declares its
own in `channels/<name>/config.py`, the loader (`loader.py`) is given them, and they are read with
`settings.section(EmailSettings)`. Every value is checked and every problem is collected: a
`SettingsError` carries one French line per variable. Nothing else reads os.environ.
"""

from contact_centre.settings.core import (
    CORE_SECTIONS,
    AppSettings,
    DatabaseSettings,
    JobsSettings,
    QueueSettings,
    StorageSettings,
    TrackingSettings,
)
from contact_centre.settings.fields import (
    Invalid,
    SettingsError,
    Spec,
    address,
    boolean,
    choice,
    database_url,
    directory,
    e164,
    existing_file,
    holidays_subdivision,
    integer,
    integers,
    names,
    origins,
    path,
    port,
    resolved_directory,
    setting,
    spec_of,
    template,
    text,
    timezone,
    url,
    without_password,
)
from contact_centre.settings.loader import Entry, Report, SectionReport, Settings, inspect_env

__all__ = [
    "CORE_SECTIONS", "AppSettings", "DatabaseSettings", "Entry", "Invalid", "JobsSettings", "QueueSettings",
    "Report", "SectionReport", "Settings", "SettingsError", "Spec", "StorageSettings", "TrackingSettings",
    "address", "boolean", "choice", "database_url", "directory", "e164", "existing_file",
    "holidays_subdivision", "inspect_env", "integer", "integers", "names", "origins", "path", "port",
    "resolved_directory", "setting", "spec_of", "template", "text", "timezone", "url", "without_password",
]  # fmt: skip
