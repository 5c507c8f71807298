"""The fields as an agent confirmed them: each value with where it comes from, what was read kept apart from what
was typed, so that an expert, a report or a trace request knows which words a person checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from basegun.answering.markings.result import FIELDS, MarkingsResult, Reason, Status

Source = Literal["read", "typed"]
MAX_TYPED = 100  # a maker, model, calibre or serial number is a few words


class ConfirmedField(BaseModel):
    """The value kept, and whether it is the one read (unchanged) or one typed by a person."""

    value: str | None = None
    source: Source | None = Field(None, description="read: as the reader read it; typed: written by a person")
    read: str | None = Field(None, description="What the reader read, kept even when a person corrected it")
    confidence: float | None = Field(None, description="The reader's confidence in what it read")


class WeaponFields(BaseModel):
    """Maker, model, calibre and serial number of one weapon, confirmed."""

    markings_id: str | None = None
    maker: ConfirmedField = Field(default_factory=ConfirmedField)
    model: ConfirmedField = Field(default_factory=ConfirmedField)
    calibre: ConfirmedField = Field(default_factory=ConfirmedField)
    serial_number: ConfirmedField = Field(default_factory=ConfirmedField)

    @classmethod
    def confirm(
        cls,
        read: MarkingsResult | WeaponMarkings | None,
        typed: Mapping[str, str | None],
        markings_id: str | None = None,
    ) -> WeaponFields:
        """Each field: the typed value where one was given ("" clears it), else the value read. A typed value equal
        to the one read stays "read": the person confirmed it. `read` is a reading, or a weapon's markings as last
        confirmed (whose values read are kept under each field's `read`)."""
        fields: dict[str, ConfirmedField] = {}
        for name in FIELDS:
            found = getattr(read, name) if read is not None else None
            read_value = (
                (found.read if isinstance(found, ConfirmedField) else found.value) if found is not None else None
            )
            confidence = found.confidence if found is not None and read_value is not None else None
            given = typed.get(name)
            if given is None or " ".join(given.split()) == (read_value or ""):
                source: Source | None = "read" if read_value is not None else None
                fields[name] = ConfirmedField(value=read_value, source=source, read=read_value, confidence=confidence)
            else:
                value = " ".join(given.split())[:MAX_TYPED] or None
                fields[name] = ConfirmedField(value=value, source="typed", read=read_value, confidence=confidence)
        return cls(markings_id=markings_id, **fields)

    @property
    def any(self) -> bool:
        return any(getattr(self, name).value for name in FIELDS)

    def line(self) -> str:
        """One line for a mail or a report: "Blow F92, 9 mm P.A.K., n° 123 (lu)"."""
        parts = []
        for name in FIELDS:
            field = getattr(self, name)
            if field.value:
                parts.append(f"{field.value} ({'lu' if field.source == 'read' else 'saisi'})")
        return ", ".join(parts)


class WeaponMarkings(BaseModel):
    """What a batch report keeps of a weapon's markings: the fields (each read or typed), the status, the reasons."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    maker: ConfirmedField
    model: ConfirmedField
    calibre: ConfirmedField
    serial_number: ConfirmedField
    status: Status | None = Field(description="How the close-ups read; null when none was read (the fields typed)")
    photos: list[str] = Field(description="The close-ups read (named `…_marquage`, `…_markings`, or chosen)")
    listed_alarm_model: bool
    reasons: list[Reason]
    markings_id: str | None = Field(
        None, description="The reading of a close-up the station chose (POST /api/v1/markings), when it chose one"
    )


def corrected(read: WeaponMarkings | None, typed: Mapping[str, str | None]) -> WeaponMarkings:
    """A weapon's markings as a person confirmed them over what was read (`read`, None when nothing was): what was
    read stays under each field's `read`, the status, photos and reasons are those of the reading."""
    fields = WeaponFields.confirm(read, typed, read.markings_id if read is not None else None)
    values = {name: getattr(fields, name) for name in FIELDS}
    if read is None:
        return WeaponMarkings(**values, status=None, photos=[], listed_alarm_model=False, reasons=[])
    return read.model_copy(update=values)
