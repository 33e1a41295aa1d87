"""The command list: derived from the plain commands and the forms' own declarations."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from conversations import FORM_MODULES, commands, impor
from domain.access import Role, RoleGrant, Viewer
from domain.callbacks import ImportAction, ImportButton
from domain.commands import PLAIN_COMMANDS, visible_commands
from locales import Catalogues


def test_every_form_command_and_plain_command_is_listed_once_in_place_order() -> None:
    listed = commands()
    declared = [m.COMMAND for m in FORM_MODULES if m.COMMAND is not None]
    assert set(listed) == {*PLAIN_COMMANDS, *declared}
    assert [spec.place for spec in listed] == sorted(spec.place for spec in listed)
    names = [name for spec in listed for name in spec.all_names]
    assert len(names) == len(set(names))


def test_each_language_has_its_own_names_and_indonesian_is_the_default() -> None:
    by_name = {spec.name: spec for spec in commands()}
    english = {name: by_name[name].name_in("en") for name in by_name}
    assert english == {
        "start": "start",
        "bantuan": "help",
        "bahasa": "language",
        "batal": "cancel",
        "privasi": "privacy",
        "koperasi": "coops",
        "petugas": "officers",
        "undang": "invite",
        "impor": "import",
        "hubungi": "contact",
        "pesan": "inbox",
        "kunjungan": "visit",
        "tindaklanjut": "followups",
        "status": "status",
        "lapor": "report",
        "verifikasi": "verify",
        "ekspor": "export",
        "siaran": "broadcast",
        "rekap": "summary",
    }
    assert all(spec.name_in("id") == spec.name for spec in commands())
    assert by_name["bantuan"].name_in(None) == "bantuan"
    assert by_name["bantuan"].all_names == ["bantuan", "help"]


def test_visibility_follows_the_declared_roles() -> None:
    stranger = Viewer(1, 1)
    officer = Viewer(2, 2, 2, frozenset({RoleGrant(Role.PETUGAS)}))
    assert [s.name for s in visible_commands(commands(), stranger)] == [
        "start",
        "bantuan",
        "bahasa",
        "batal",
        "privasi",
    ]
    assert "koperasi" in [s.name for s in visible_commands(commands(), officer)]
    assert "impor" not in [s.name for s in visible_commands(commands(), officer)]
    assert "kunjungan" in [s.name for s in visible_commands(commands(), officer)]
    pimpinan = Viewer(3, 3, 3, frozenset({RoleGrant(Role.PIMPINAN)}))
    board = Viewer(4, 4, 4, frozenset({RoleGrant(Role.PENGURUS, 7)}))
    assert "ekspor" in [s.name for s in visible_commands(commands(), officer)]
    assert "ekspor" in [s.name for s in visible_commands(commands(), pimpinan)]
    assert "ekspor" not in [s.name for s in visible_commands(commands(), board)]


def test_the_impor_intro_button_is_the_template_button() -> None:
    spec = impor.form(Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta")))
    assert spec.command is impor.COMMAND
    assert spec.intro is not None
    [button] = spec.intro.buttons
    assert ImportButton.decode(button.data) == ImportButton(0, ImportAction.TEMPLATE)
