"""UN/EDIFACT syntax on top of pydifact (O14): read an interchange into its messages, each with
the problems of its envelope, and write an interchange of one message. Pure Python, no database.

Reading is tolerant where the public EANCOM samples are (no UNA: the standard characters; no UNZ)
and strict where a wrong envelope would hide a lost or truncated message (UNT count and reference,
UNH without UNT). Positions are counted from UNH = 1, the numbering of the UNT segment count."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydifact.control import Characters
from pydifact.exceptions import EDISyntaxError, MissingImplementationWarning
from pydifact.parser import Parser
from pydifact.segments import Segment
from pydifact.serializer import Serializer

# pydifact warns of every segment of the service directory it holds no definition for (UNS,
# UNT…): nothing to act on. Ignored once for the process: `warnings.catch_warnings` is not
# thread-safe, and two threads issuing messages at once lost each other's filter.
warnings.filterwarnings("ignore", category=MissingImplementationWarning)

RULE = "O14"
#: The service characters written in every issued interchange: ':' '+' '.' '?' ' ' "'"
OUT_CHARACTERS = ":+.? '"


@dataclass(frozen=True)
class Problem:
    """One problem found in a message: where (segment position from UNH = 1, its tag, the LIN
    line), what (code, message) and the rule."""

    code: str
    message: str
    rule: str = RULE
    segment: int | None = None
    tag: str = ""
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "rule": self.rule,
            "segment": self.segment,
            "tag": self.tag,
            "line": self.line,
        }


@dataclass
class RawMessage:
    reference: str
    identifier: list[str]
    segments: list[Segment] = field(default_factory=list)  # between UNH and UNT
    trailer: Segment | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.identifier[0] if self.identifier else ""

    def position(self, index: int) -> int:
        """Position of `segments[index]` counted from UNH = 1."""
        return index + 2


@dataclass
class RawInterchange:
    sender: str = ""
    recipient: str = ""
    control_reference: str = ""
    syntax: str = ""
    header: Segment | None = None
    characters: Characters = field(default_factory=Characters)
    has_una: bool = False
    messages: list[RawMessage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def element(segment: Segment, index: int, component: int = 0) -> str:
    """Component `component` of element `index` ('' when absent), whether the element is a
    simple string or a composite list."""
    elements = segment.elements
    if index >= len(elements):
        return ""
    value = elements[index]
    if isinstance(value, list):
        return str(value[component]) if component < len(value) else ""
    return str(value) if component == 0 else ""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()


def _segments(text: str) -> tuple[list[Segment], Characters, bool]:
    parser = Parser()
    segments = list(parser.parse(text.strip().lstrip("\ufeff")))
    characters = Characters()
    has_una = bool(segments) and segments[0].tag == "UNA"
    if has_una:
        characters = Characters.from_str(str(segments[0].elements[0]))
        segments = segments[1:]
    return segments, characters, has_una


def read_interchange(text: str) -> RawInterchange:
    """The interchange's envelope and messages; a text that cannot be split into segments gives
    an interchange with one problem and no message."""
    found = RawInterchange()
    try:
        segments, found.characters, found.has_una = _segments(text)
    except (EDISyntaxError, ValueError, IndexError) as exc:
        found.problems.append(
            Problem("syntax_error", _("Not an EDIFACT interchange: %(error)s") % {"error": exc})
        )
        return found
    if not segments or segments[0].tag != "UNB":
        found.problems.append(
            Problem(
                "missing_unb", _("The interchange must start with UNB (after an optional UNA).")
            )
        )
        return found
    unb = segments[0]
    found.header = unb
    found.syntax = element(unb, 0, 0)
    found.sender = element(unb, 1, 0)
    found.recipient = element(unb, 2, 0)
    found.control_reference = element(unb, 4, 0)
    if not found.sender or not found.control_reference:
        found.problems.append(
            Problem("invalid_unb", _("UNB needs a sender and a control reference."), tag="UNB")
        )
    current: RawMessage | None = None
    closed = False
    for segment in segments[1:]:
        if segment.tag == "UNH":
            if current is not None:
                current.problems.append(
                    Problem(
                        "missing_unt", _("The message is not closed by UNT before the next UNH.")
                    )
                )
            identifier = segment.elements[1] if len(segment.elements) > 1 else []
            current = RawMessage(
                reference=element(segment, 0),
                identifier=[str(i) for i in identifier]
                if isinstance(identifier, list)
                else [str(identifier)],
            )
            found.messages.append(current)
        elif segment.tag == "UNT":
            if current is None:
                found.problems.append(Problem("unt_without_unh", _("UNT without UNH."), tag="UNT"))
                continue
            current.trailer = segment
            _check_trailer(current, segment)
            current = None
        elif segment.tag == "UNZ":
            closed = True
            _check_unz(found, segment)
        elif current is not None:
            current.segments.append(segment)
        elif not closed:
            found.problems.append(
                Problem(
                    "segment_outside_message",
                    _("%(tag)s outside UNH…UNT.") % {"tag": segment.tag},
                    tag=segment.tag,
                )
            )
    if current is not None:
        current.problems.append(Problem("missing_unt", _("The message is not closed by UNT.")))
    if not found.messages and not found.problems:
        found.problems.append(Problem("no_message", _("The interchange holds no message.")))
    return found


def _plural_n(count: str) -> int:
    """The number a partner wrote in a count element, to choose a plural form (0: not one)."""
    return int(count[:9]) if count.isdecimal() else 0


def _check_trailer(message: RawMessage, unt: Segment) -> None:
    expected = len(message.segments) + 2
    count = element(unt, 0)
    position = message.position(len(message.segments))
    if count != str(expected):
        text = (
            ngettext(
                "UNT counts %(count)s segment; the message has %(expected)s.",
                "UNT counts %(count)s segments; the message has %(expected)s.",
                _plural_n(count),
            )
            if count
            else _("UNT counts no segments; the message has %(expected)s.")
        )
        message.problems.append(
            Problem(
                "unt_count",
                text % {"count": count, "expected": expected},
                segment=position,
                tag="UNT",
            )
        )
    if element(unt, 1) != message.reference:
        message.problems.append(
            Problem(
                "unt_reference",
                _("UNT reference %(unt)s differs from UNH %(unh)s.")
                % {"unt": repr(element(unt, 1)), "unh": repr(message.reference)},
                segment=position,
                tag="UNT",
            )
        )


def _check_unz(found: RawInterchange, unz: Segment) -> None:
    if element(unz, 1) != found.control_reference:
        found.problems.append(
            Problem("unz_reference", _("UNZ reference differs from UNB's."), tag="UNZ")
        )
    count = element(unz, 0)
    if count != str(len(found.messages)):
        found.problems.append(
            Problem(
                "unz_count",
                ngettext(
                    "UNZ counts %(count)s message; the interchange has %(found)s.",
                    "UNZ counts %(count)s messages; the interchange has %(found)s.",
                    _plural_n(count),
                )
                % {"count": count, "found": len(found.messages)},
                tag="UNZ",
            )
        )


def message_text(interchange: RawInterchange, message: RawMessage) -> str:
    """One received message as stored: its UNB, UNH…UNT, in the sender's characters."""
    header = Segment("UNH", message.reference, list(message.identifier))
    trailer = message.trailer or Segment("UNT", str(len(message.segments) + 2), message.reference)
    body = [s for s in (interchange.header, header, *message.segments, trailer) if s is not None]
    serializer = Serializer(interchange.characters)
    return serializer.serialize(body, with_una_header=interchange.has_una, break_lines=True)


@dataclass(frozen=True)
class Envelope:
    sender_gln: str
    recipient_gln: str
    control_reference: str
    prepared_at: datetime
    message_reference: str = "1"


def interchange_text(
    envelope: Envelope, identifier: tuple[str, ...], segments: list[Segment]
) -> str:
    """An interchange of one message (UNA, UNB, UNH…UNT with its count, UNZ), one segment a
    line, decimal mark '.'."""
    characters = Characters.from_str(OUT_CHARACTERS)
    header = Segment(
        "UNB",
        ["UNOC", "3"],
        [envelope.sender_gln, "14"],
        [envelope.recipient_gln, "14"],
        [f"{envelope.prepared_at:%y%m%d}", f"{envelope.prepared_at:%H%M}"],
        envelope.control_reference,
    )
    unh = Segment("UNH", envelope.message_reference, list(identifier))
    unt = Segment("UNT", str(len(segments) + 2), envelope.message_reference)
    unz = Segment("UNZ", "1", envelope.control_reference)
    return Serializer(characters).serialize(
        [header, unh, *segments, unt, unz], with_una_header=True, break_lines=True
    )
