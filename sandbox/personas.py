"""Who the page can be: the sample's admins, pimpinan, officers and board members, and
newcomers made on demand, each a stand-in Telegram user."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from domain.access import Role
from sample.people import PERSON_ID_BASE, SamplePerson
from sandbox.world import SampleWorld
from telegram_stub import StubUser

#: Newcomers' stand-in ids, clear of the sample's (`sample.people`).
NEWCOMER_ID_BASE = PERSON_ID_BASE + 900_000
LANGUAGE = "id"


@dataclass(frozen=True)
class Persona:
    """A person the page acts as: the role, a line saying who they are, their Telegram user."""

    user_id: int
    name: str
    role: str  # a Role value, or "newcomer"
    detail: str
    koperasi_key: str | None = None
    invite_code: str | None = None

    def stub_user(self) -> StubUser:
        """The Telegram user the stand-in sees (first and last name, Indonesian app)."""
        first, _, last = self.name.partition(" ")
        return StubUser(self.user_id, first, last or None, language_code=LANGUAGE)

    def to_json(self) -> dict[str, object]:
        """What the page gets."""
        return {
            "user_id": self.user_id,
            "name": self.name,
            "role": self.role,
            "detail": self.detail,
            "koperasi_key": self.koperasi_key,
            "invite_code": self.invite_code,
        }


class Personas:
    """The sample's people by Telegram id, and newcomers added as the page asks for them."""

    def __init__(self, world: SampleWorld) -> None:
        self._by_id = {p.telegram_user_id: _persona(p, world) for p in world.people}
        self._newcomer_ids = itertools.count(NEWCOMER_ID_BASE)

    def get(self, user_id: int) -> Persona | None:
        """The persona with this stand-in id (None: not one the sandbox knows)."""
        return self._by_id.get(user_id)

    def all(self) -> list[Persona]:
        """Everyone, staff first, in id order."""
        return sorted(self._by_id.values(), key=lambda p: p.user_id)

    def add_newcomer(self, invite_code: str, detail: str) -> Persona:
        """A new person with an invite in hand and no role yet."""
        user_id = next(self._newcomer_ids)
        number = user_id - NEWCOMER_ID_BASE + 1
        persona = Persona(user_id, f"Tamu Baru{number}", "newcomer", detail, None, invite_code)
        self._by_id[user_id] = persona
        return persona


def _persona(person: SamplePerson, world: SampleWorld) -> Persona:
    if person.role is Role.PENGURUS and person.koperasi_key is not None:
        card = world.koperasi.get(person.koperasi_key)
        where = f"{card.nama} ({card.kecamatan})" if card else person.koperasi_key
        detail = f"{person.jabatan or 'pengurus'}, {where}"
    elif person.kecamatan:
        detail = ", ".join(person.kecamatan)
    else:
        detail = ""
    return Persona(
        person.telegram_user_id, person.full_name, person.role.value, detail, person.koperasi_key
    )
