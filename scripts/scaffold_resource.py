"""Write the skeleton of a new resource, as getmoto/moto's ``scripts/scaffold.py`` writes a
new service: CONTRIBUTING.md's "Adding a resource" is the checklist it follows.

``scripts/scaffold-resource SipPeer --label "SIP peer"`` writes, under ``--root`` (this
checkout by default):

* ``bw_pulumi/resources/sip_peer/``: steps 1 to 4 (definition, rules, models, xml, api,
  operations, kind), modelled on ``sip_realm/``;
* ``bw_pulumi/sandbox/sip_peers/``: step 11's folder (models, rules, store, xml, routes,
  control), modelled on ``realms/``;
* ``tests/unit/test_sip_peer_rules.py``: step 13's unit tests of the rules.

The files are typed and pass ruff, ruff format and mypy --strict as written: a ``name``
input that replaces, an id output, operations delegating to an API whose methods raise
``NotImplementedError``, and ``TODO(scaffold)`` marking where the real work goes. It edits
no existing file (the registry, the client, the providers, the sandbox's registry and
state) and refuses to overwrite anything: it prints the remaining steps instead, numbered
as CONTRIBUTING.md numbers them, with the lines to add.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

REPO = Path(__file__).resolve().parent.parent
MAX_TYPE_LENGTH = 20
MAX_LABEL_LENGTH = 20
LINE_LENGTH = 100
_TYPE_NAME = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)*")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")
_SEGMENT = re.compile(r"[a-z0-9][a-z0-9-]*")


class UsageError(Exception):
    """Bad arguments, or something in the way: one line saying what to do."""


@dataclass(frozen=True)
class Names:
    """Every spelling of the new resource's name the templates use."""

    type: str  # SipPeer
    label: str  # SIP peer
    segment: str  # sippeers: the API path segment

    @property
    def snake(self) -> str:  # sip_peer
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.type).lower()

    @property
    def upper(self) -> str:  # SIP_PEER
        return self.snake.upper()

    @property
    def plural_type(self) -> str:  # SipPeers
        return plural(self.type)

    @property
    def plural_snake(self) -> str:  # sip_peers
        return plural(self.snake)

    @property
    def plural_label(self) -> str:  # SIP peers
        return plural(self.label)

    def template_values(self) -> dict[str, str]:
        article = "an" if self.label[0].lower() in "aeiou" else "a"
        return {
            "Type": self.type,
            "label": self.label,
            "segment": self.segment,
            "snake": self.snake,
            "UPPER": self.upper,
            "plural_type": self.plural_type,
            "plural_snake": self.plural_snake,
            "plural_label": self.plural_label,
            "Plural_label": self.plural_label[0].upper() + self.plural_label[1:],
            "article": article,
            "Article": article.capitalize(),
        }


def plural(word: str) -> str:
    if re.search(r"[^aeiouAEIOU][yY]$", word):
        return word[:-1] + ("ies" if word[-1] == "y" else "IES")
    if re.search(r"(s|x|z|ch|sh)$", word, re.IGNORECASE):
        return word + "es"
    return word + "s"


def names_from(type_name: str, label: str, segment: str | None) -> Names:
    if not _TYPE_NAME.fullmatch(type_name) or len(type_name) > MAX_TYPE_LENGTH:
        raise UsageError(
            f"type name {type_name!r}: must be PascalCase words (SipPeer, not SIPPeer or"
            f" sip_peer), at most {MAX_TYPE_LENGTH} characters"
        )
    if not _LABEL.fullmatch(label) or len(label) > MAX_LABEL_LENGTH:
        raise UsageError(
            f"--label {label!r}: must be letters, digits, spaces and '-' (as messages name"
            f" it: 'SIP peer'), at most {MAX_LABEL_LENGTH} characters"
        )
    names = Names(type_name, label, segment or "")
    chosen = segment if segment is not None else names.plural_snake.replace("_", "")
    if not _SEGMENT.fullmatch(chosen):
        raise UsageError(f"--segment {chosen!r}: must be lowercase letters, digits and '-'")
    return Names(type_name, label, chosen)


# -- imports, sorted and wrapped as ruff (isort, format) wants them --------------------------


def from_imports(*imports: tuple[str, str]) -> str:
    """First-party ``from module import names`` lines, sorted by module (the resource's
    folder name decides where its own modules sort); a line too long is exploded, one name
    a line with a trailing comma, which ruff format keeps."""
    lines = []
    for module, names in sorted(imports):
        line = f"from {module} import {names}"
        if len(line) > LINE_LENGTH:
            body = "".join(f"    {name.strip()},\n" for name in names.split(","))
            line = f"from {module} import (\n{body})"
        lines.append(line)
    return "\n".join(lines)


# -- the resource folder: bw_pulumi/resources/<snake>/ ---------------------------------------

RESOURCE_INIT = '''\
"""The ${label}: its definition, rules, models, XML bodies, API, operations and kind
(CONTRIBUTING.md, "Adding a resource", steps 1 to 4). Scaffolded by
scripts/scaffold-resource: TODO(scaffold) marks what is left to write."""
'''

DEFINITION = '''\
"""The ${label}'s properties: the one place their facts are stated (CONTRIBUTING.md,
"Adding a resource", step 1). The operations, both front doors, the schema and the SDKs
derive from it.

TODO(scaffold): every property of the ${label}, each fact a flag on its Property: input,
required, secret, replace_on_changes, compared, derived_from.
"""

from __future__ import annotations

from bw_pulumi.resources.properties import Property, ResourceDefinition

${UPPER} = ResourceDefinition(
    name="${Type}",
    # TODO(scaffold): what ${article} ${label} is, as the schema and the SDKs document it.
    description="${Article} ${label} on a Bandwidth account.",
    properties=(
        Property(
            "name",
            "string",
            "The ${label}'s name. A change makes a new ${label}.",
            input=True,
            required=True,
            replace_on_changes=True,
        ),
        Property(
            "${snake}_id",
            "string",
            "Bandwidth's id of the ${label}.",
            required=True,
        ),
    ),
)
'''

RULES = '''\
"""The ${label}'s rules (CONTRIBUTING.md, "Adding a resource", step 2): pure
functions, no I/O, each raising InvalidInputError that names the field and the rule.

TODO(scaffold): Bandwidth's own rules for each input, each fact with its source mark in
docs/bandwidth-api.md.
"""

from __future__ import annotations

from bw_pulumi.api.errors import InvalidInputError

#: TODO(scaffold): Bandwidth's limit on a name, from its reference.
NAME_MAX_LENGTH = 64


def validate_${snake}_name(name: str) -> None:
    """The ${label}'s name: not empty, at most NAME_MAX_LENGTH characters.

    TODO(scaffold): the characters Bandwidth allows in it."""
    if not name:
        raise InvalidInputError("name", "must not be empty")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInputError(
            "name", f"must be at most {NAME_MAX_LENGTH} characters (got {len(name)})"
        )
'''

MODELS = '''\
"""Typed records of ${plural_label} as Bandwidth's API exchanges them, independent of XML
(CONTRIBUTING.md, "Adding a resource", step 2).

TODO(scaffold): every field the API takes and answers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ${Type}Settings:
    """What a create or an update sends."""

    name: str


@dataclass(frozen=True)
class ${Type}Record:
    """${Article} ${label} as Bandwidth reports it."""

    id: str
    name: str
'''

XML = '''\
"""XML bodies of ${plural_label} <-> the records in models.py (CONTRIBUTING.md, "Adding a
resource", step 2). Only this module knows their element names.

TODO(scaffold): the element names of Bandwidth's reference (docs/bandwidth-api.md); the
ones below are placeholders, the same as the sandbox folder's.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

${imports}


def encode_${snake}(settings: ${Type}Settings) -> bytes:
    """A create or update body."""
    root = Element("${Type}")
    xml.add(root, "Name", settings.name)
    return xml.serialize(root)


def decode_${snake}(body: bytes) -> ${Type}Record:
    node = xml.parse(body, "${Type}Response").find("${Type}")
    if node is None:
        raise WireFormatError("${Type}Response has no ${Type} element")
    return _${snake}(node)


def _${snake}(node: Element) -> ${Type}Record:
    id_, name = xml.text(node, "Id"), xml.text(node, "Name")
    if not id_ or not name:
        raise WireFormatError("${Type} lacks Id or Name")
    return ${Type}Record(id=id_, name=name)
'''

API = '''\
"""The ${plural_label} API (CONTRIBUTING.md, "Adding a resource", step 2), over the one
transport that owns auth, retries, rate limits and errors.

TODO(scaffold): each endpoint from Bandwidth's reference, as sip_realm/api.py writes them:
``strict_call`` for a write, ``Absent`` for the answers that mean "no such one",
``transport.decode`` with xml.py's decoders. Its URLs are under
``transport.account_url("${segment}")``.
"""

from __future__ import annotations

${imports}

_MODULE = "bw_pulumi/resources/${snake}/api.py"


class ${plural_type}Api:
    """The account's ${plural_label}, keyed by Bandwidth's id."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create_${snake}(
        self,
        settings: ${Type}Settings,
    ) -> ${Type}Record:
        raise NotImplementedError(f"create_${snake}: TODO(scaffold) in {_MODULE}")

    def get_${snake}(self, id_: str) -> ${Type}Record | None:
        """The ${label}, or None when Bandwidth has none by that id."""
        raise NotImplementedError(f"get_${snake}: TODO(scaffold) in {_MODULE}")

    def update_${snake}(
        self,
        id_: str,
        settings: ${Type}Settings,
    ) -> ${Type}Record:
        raise NotImplementedError(f"update_${snake}: TODO(scaffold) in {_MODULE}")

    def delete_${snake}(self, id_: str) -> bool:
        """Delete it; False when it was already gone."""
        raise NotImplementedError(f"delete_${snake}: TODO(scaffold) in {_MODULE}")
'''

OPERATIONS = '''\
"""The ${label}'s lifecycle: check, diff, create, read, update, delete (the
``kind.Operations`` protocol), free of any Pulumi front door (CONTRIBUTING.md, "Adding a
resource", step 3).

``check`` and ``diff`` start from what the definition gives (``derived.check_inputs``,
``derived.diff_inputs``); the ${label}'s own rules compose on top.

TODO(scaffold): ask of every write what happens if the answer is lost, the API
rate-limits, or someone else writes the same account meanwhile (see
sip_realm/operations.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

${imports}

_VALIDATORS: Mapping[str, Validator] = {"name": validate_${snake}_name}


class ${Type}Operations:
    """CRUD for one ${label}, keyed by Bandwidth's id. ``api`` gives the API when an
    operation runs (check and diff never call it)."""

    def __init__(self, api: Callable[[], ${plural_type}Api]) -> None:
        self._api = api

    def check(self, olds: Props, news: Props) -> Checked:
        """The definition's checks and the name's rule. TODO(scaffold): checks across
        fields."""
        return check_inputs(${UPPER}, news, _VALIDATORS)

    def diff(self, olds: Props, news: Props) -> Plan:
        """The definition's diff (``replace_on_changes`` honoured). TODO(scaffold): drift
        only the API shows; ``delete_first_if`` when the old and the new would collide."""
        return diff_inputs(${UPPER}, olds, news)

    def create(self, props: Props) -> Created:
        """TODO(scaffold): a create whose answer is lost may have made it all the same."""
        record = self._api().create_${snake}(_settings(props))
        return Created(record.id, _outputs(record))

    def read(self, id_: str, props: Props) -> Found:
        validate_id_segment("id", id_)
        record = self._api().get_${snake}(id_)
        if record is None:
            return Found(None, {})
        return Found(record.id, _outputs(record))

    def update(self, id_: str, olds: Props, news: Props) -> Props:
        validate_id_segment("id", id_)
        record = self._api().update_${snake}(id_, _settings(news))
        return _outputs(record)

    def delete(self, id_: str, props: Props) -> None:
        validate_id_segment("id", id_)
        self._api().delete_${snake}(id_)


def _settings(props: Mapping[str, Any]) -> ${Type}Settings:
    return ${Type}Settings(name=props["name"])


def _outputs(record: ${Type}Record) -> Props:
    """The state: every property of the definition, as Bandwidth answered it."""
    return without_none({"name": record.name, "${snake}_id": record.id})
'''

KIND = '''\
"""The ${label} as a kind of resource: what both front doors need to serve it
(CONTRIBUTING.md, "Adding a resource", step 4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

${imports}


def ${snake}_name(props: Mapping[str, Any]) -> str | None:
    """${Article} ${label}'s name, when known: messages name the instance by it."""
    return known_text(props.get("name"))


def ${snake}_operations(shared: Shared) -> Operations:
    """TODO(scaffold): once BandwidthClient has ``${plural_snake}`` (step 5), pass
    ``lambda: shared.api().${plural_snake}`` instead."""
    return ${Type}Operations(lambda: ${plural_type}Api(shared.api().transport))


${UPPER}_KIND = Kind(
    definition=${UPPER},
    label="${label}",
    name_of=${snake}_name,
    operations=${snake}_operations,
)
'''


# -- the sandbox folder: bw_pulumi/sandbox/<plural_snake>/ -----------------------------------

SANDBOX_INIT = '''\
"""${Plural_label} of the emulated API (CONTRIBUTING.md, "Adding a resource", step 11):
``models`` (records), ``rules`` (validation, Bandwidth's codes), ``store`` (the API's
operations), ``xml`` (wire shapes), ``routes`` (HTTP), ``control`` (changes out of band,
for tests). Written from Bandwidth's reference alone: nothing from the rest of bw_pulumi.

TODO(scaffold): the reference's routes and rules; where it is silent, the sandbox's
choices, in the docstring of the module that makes each.
"""
'''

SANDBOX_MODELS = '''\
"""Value types of the ${plural_label} the sandbox stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Stored${Type}:
    """TODO(scaffold): every field Bandwidth stores and answers."""

    id: str
    name: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)
'''

SANDBOX_RULES = '''\
"""Rules of the ${plural_label} API, with Bandwidth's codes.

TODO(scaffold): the reference's rules and codes. Where it names no code, the sandbox
answers without an ``ErrorCode`` rather than invent a Bandwidth-looking one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MAX_NAME: Final = 64


class ${Type}ApiError(ValueError):
    """A refused request: HTTP status, description, optional Bandwidth code (``None``
    renders a ``ResponseStatus`` without ``ErrorCode``)."""

    def __init__(self, status: int, description: str, code: int | None = None) -> None:
        super().__init__(f"{status} {code or ''}: {description}")
        self.status = status
        self.description = description
        self.code = code


@dataclass(frozen=True)
class Submitted${Type}:
    """A body as sent: ``None`` is absent, ``""`` present but empty."""

    name: str | None = None


def checked_name(submitted: Submitted${Type}) -> str:
    """The name, or 400 naming the rule."""
    name = submitted.name
    if not name or len(name) > MAX_NAME:
        raise ${Type}ApiError(400, f"Name must be 1-{MAX_NAME} characters")
    return name


def not_found(id_: str) -> ${Type}ApiError:
    return ${Type}ApiError(404, f"${Type} {id_} not found")
'''

SANDBOX_STORE = '''\
"""The ${plural_label} of the sandbox's account, under the sandbox's one lock.

Where the reference is silent, the sandbox chooses (TODO(scaffold): say which, and why):

* Ids are numeric strings from a counter that keeps counting across ``reset()``, so a
  stale id never names a new object. The list is in creation order.
* ``writes`` counts creates, PUTs and DELETEs.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Protocol

from . import rules
from .models import Stored${Type}


class ${Type}State(Protocol):
    """What this folder's routes need of the sandbox's state (``SandboxState``)."""

    @property
    def ${plural_snake}(self) -> ${Type}Store: ...


class ${Type}Store:
    """Each public method takes the lock, so it is atomic with the rest of the state. A
    refused request raises ``rules.${Type}ApiError``."""

    def __init__(
        self, account_id: str, lock: threading.RLock, count_write: Callable[[], None]
    ) -> None:
        self.account_id = account_id
        self._lock = lock
        self._count_write = count_write
        self._ids = itertools.count(1001)
        self._items: dict[str, Stored${Type}] = {}

    def reset(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            items = [item.to_json() for item in self._items.values()]
            return {"${plural_snake}": items}

    def list_all(self) -> list[Stored${Type}]:
        with self._lock:
            return list(self._items.values())

    def get(self, id_: str) -> Stored${Type}:
        with self._lock:
            item = self._items.get(id_)
            if item is None:
                raise rules.not_found(id_)
            return item

    def create(
        self,
        submitted: rules.Submitted${Type},
    ) -> Stored${Type}:
        with self._lock:
            name = rules.checked_name(submitted)
            item = Stored${Type}(id=str(next(self._ids)), name=name)
            self._items[item.id] = item
            self._count_write()
            return item

    def update(
        self,
        id_: str,
        submitted: rules.Submitted${Type},
    ) -> Stored${Type}:
        with self._lock:
            current = self.get(id_)
            item = Stored${Type}(id=current.id, name=rules.checked_name(submitted))
            self._items[item.id] = item
            self._count_write()
            return item

    def delete(self, id_: str) -> None:
        with self._lock:
            if self._items.pop(id_, None) is None:
                raise rules.not_found(id_)
            self._count_write()
'''

SANDBOX_XML = '''\
"""XML in and out for ${plural_label}. Parsing goes through ``core/xml.py``'s
``parse_root`` (defusedxml).

TODO(scaffold): the shapes of Bandwidth's reference; these are placeholders, the same as
the client's (``bw_pulumi/resources/${snake}/xml.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import Element, SubElement

from ..core.xml import add_text, parse_root, to_bytes
from .models import Stored${Type}
from .rules import Submitted${Type}

ROOT = "${Type}Response"
LIST_ROOT = "${plural_type}Response"


def parse_body(body: bytes) -> Submitted${Type}:
    root = parse_root(body, "${Type}")
    name = root.find("Name")
    return Submitted${Type}(name=None if name is None else (name.text or ""))


def element(parent: Element, item: Stored${Type}) -> None:
    node = SubElement(parent, "${Type}")
    add_text(node, "Id", item.id)
    add_text(node, "Name", item.name)


def response(item: Stored${Type}) -> bytes:
    root = Element(ROOT)
    element(root, item)
    return to_bytes(root)


def list_response(items: Iterable[Stored${Type}]) -> bytes:
    root = Element(LIST_ROOT)
    listing = SubElement(root, "${plural_type}")
    for item in items:
        element(listing, item)
    return to_bytes(root)
'''

SANDBOX_ROUTES = '''\
"""HTTP routes of the ${plural_label} API, under
``/api/accounts/{account}/${segment}``. Authentication, the account check, the request
log and the faults are the API's (``api.py``).

TODO(scaffold): the reference's routes, status codes and bodies; where it is silent, the
sandbox's choices, listed here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..core.http import Reply, Request, xml_reply
from ..core.route_helpers import method_not_allowed, not_found_route, require_xml
from ..core.xml import BodyError, error_document
from . import xml
from .rules import ${Type}ApiError
from .store import ${Type}State, ${Type}Store
from .xml import LIST_ROOT, ROOT

Handler = Callable[[], Reply]
#: Per method: the root element of its error bodies, and the handler.
Routes = dict[str, tuple[str, Handler]]


def route(
    state: ${Type}State,
    request: Request,
    account_id: str,
    rest: Sequence[str],
) -> Reply:
    """``rest``: the path after ``/${segment}``; the account is checked."""
    routes = _routes(state.${plural_snake}, request, list(rest))
    if routes is None:
        return not_found_route()
    if request.method not in routes:
        return method_not_allowed(", ".join(routes))
    root, handler = routes[request.method]
    try:
        return handler()
    except ${Type}ApiError as error:
        return xml_reply(error.status, error_document(root, error.description, error.code))
    except BodyError as error:
        return xml_reply(400, error_document(root, str(error)))


def _routes(
    store: ${Type}Store,
    request: Request,
    rest: list[str],
) -> Routes | None:
    if not rest:
        return {
            "GET": (LIST_ROOT, lambda: xml_reply(200, xml.list_response(store.list_all()))),
            "POST": (ROOT, lambda: create(store, request)),
        }
    if len(rest) == 1 and rest[0]:
        id_ = rest[0]
        return {
            "GET": (ROOT, lambda: xml_reply(200, xml.response(store.get(id_)))),
            "PUT": (ROOT, lambda: update(store, request, id_)),
            "DELETE": (ROOT, lambda: delete(store, id_)),
        }
    return None


def create(store: ${Type}Store, request: Request) -> Reply:
    unsupported = require_xml(request, ROOT)
    if unsupported is not None:
        return unsupported
    return xml_reply(201, xml.response(store.create(xml.parse_body(request.body))))


def update(store: ${Type}Store, request: Request, id_: str) -> Reply:
    unsupported = require_xml(request, ROOT)
    if unsupported is not None:
        return unsupported
    return xml_reply(200, xml.response(store.update(id_, xml.parse_body(request.body))))


def delete(store: ${Type}Store, id_: str) -> Reply:
    store.delete(id_)
    return Reply(200)
'''

SANDBOX_CONTROL = '''\
"""Control routes for ${plural_label} (JSON, no auth, under ``/_sandbox/``): none yet.

TODO(scaffold): routes for tests to change ${plural_label} out of band (a human in the
dashboard), as ``realms/control.py`` has them; registry.py needs this ``handle`` either way.
"""

from __future__ import annotations

from ..core.http import Reply, Request
from .store import ${Type}State


def handle(
    state: ${Type}State,
    request: Request,
    route: str,
) -> Reply | None:
    """``route`` is the path after ``/_sandbox/``; None: it is not this folder's."""
    return None
'''


# -- the unit tier's tests of the rules ---------------------------------------------------------

UNIT_TEST = '''\
"""The ${label}'s rules, and check and diff as its definition gives them: pure, no API
(CONTRIBUTING.md, "Adding a resource", step 13, the unit tier).

TODO(scaffold): a case for each rule Bandwidth has, and for each rule of the diff.
"""

from __future__ import annotations

import pytest

${imports}


def no_api() -> ${plural_type}Api:
    raise AssertionError("check and diff must not call the API")


def test_a_name_within_the_rules_passes() -> None:
    validate_${snake}_name("office-1")
    validate_${snake}_name("x" * NAME_MAX_LENGTH)


@pytest.mark.parametrize(
    ("name", "rule"),
    [("", "must not be empty"), ("x" * (NAME_MAX_LENGTH + 1), "at most")],
)
def test_a_name_breaking_a_rule_fails_naming_the_field(name: str, rule: str) -> None:
    with pytest.raises(InvalidInputError, match=rule) as raised:
        validate_${snake}_name(name)
    assert raised.value.field == "name"


def test_check_reports_a_bad_name_before_any_api_call() -> None:
    too_long = "x" * (NAME_MAX_LENGTH + 1)
    checked = ${Type}Operations(no_api).check({}, {"name": too_long})
    assert [failure.property for failure in checked.failures] == ["name"]


def test_a_new_name_makes_a_new_${snake}() -> None:
    plan = ${Type}Operations(no_api).diff({"name": "a"}, {"name": "b"})
    assert plan.changes and plan.replaces == ["name"]
'''


@dataclass(frozen=True)
class Skeleton:
    """The files to write: path (relative to the root) -> text."""

    files: dict[str, str]


def skeleton(names: Names) -> Skeleton:
    values = names.template_values()
    s, t, p = names.snake, names.type, names.plural_type
    res = f"bw_pulumi.resources.{s}"

    def fill(template: str, *imports: tuple[str, str]) -> str:
        return Template(template).substitute(values, imports=from_imports(*imports))

    resource = f"bw_pulumi/resources/{s}"
    sandbox = f"bw_pulumi/sandbox/{names.plural_snake}"
    files = {
        f"{resource}/__init__.py": fill(RESOURCE_INIT),
        f"{resource}/definition.py": fill(DEFINITION),
        f"{resource}/rules.py": fill(RULES),
        f"{resource}/models.py": fill(MODELS),
        f"{resource}/xml.py": fill(
            XML,
            ("bw_pulumi.api", "xml"),
            ("bw_pulumi.api.xml", "WireFormatError"),
            (f"{res}.models", f"{t}Record, {t}Settings"),
        ),
        f"{resource}/api.py": fill(
            API,
            ("bw_pulumi.api.transport", "Transport"),
            (f"{res}.models", f"{t}Record, {t}Settings"),
        ),
        f"{resource}/operations.py": fill(
            OPERATIONS,
            ("bw_pulumi.resources.derived", "Validator, check_inputs, diff_inputs"),
            (
                "bw_pulumi.resources.lifecycle",
                "Checked, Created, Found, Plan, Props, without_none",
            ),
            ("bw_pulumi.resources.rules", "validate_id_segment"),
            (f"{res}.api", f"{p}Api"),
            (f"{res}.definition", names.upper),
            (f"{res}.models", f"{t}Record, {t}Settings"),
            (f"{res}.rules", f"validate_{s}_name"),
        ),
        f"{resource}/kind.py": fill(
            KIND,
            ("bw_pulumi.resources.hook_errors", "known_text"),
            ("bw_pulumi.resources.kind", "Kind, Operations, Shared"),
            (f"{res}.api", f"{p}Api"),
            (f"{res}.definition", names.upper),
            (f"{res}.operations", f"{t}Operations"),
        ),
        f"{sandbox}/__init__.py": fill(SANDBOX_INIT),
        f"{sandbox}/models.py": fill(SANDBOX_MODELS),
        f"{sandbox}/rules.py": fill(SANDBOX_RULES),
        f"{sandbox}/store.py": fill(SANDBOX_STORE),
        f"{sandbox}/xml.py": fill(SANDBOX_XML),
        f"{sandbox}/routes.py": fill(SANDBOX_ROUTES),
        f"{sandbox}/control.py": fill(SANDBOX_CONTROL),
        f"tests/unit/test_{s}_rules.py": fill(
            UNIT_TEST,
            ("bw_pulumi.api.errors", "InvalidInputError"),
            (f"{res}.api", f"{p}Api"),
            (f"{res}.operations", f"{t}Operations"),
            (f"{res}.rules", f"NAME_MAX_LENGTH, validate_{s}_name"),
        ),
    }
    return Skeleton(files)


# -- the remaining steps, as CONTRIBUTING.md numbers them ---------------------------------------


def remaining_steps(names: Names) -> str:
    n = names
    s, t, u, ps, p = n.snake, n.type, n.upper, n.plural_snake, n.plural_type
    article = n.template_values()["article"]
    res = f"bw_pulumi.resources.{s}"
    return f"""\
Steps 1 to 4 are written (bw_pulumi/resources/{s}/), with step 11's folder
(bw_pulumi/sandbox/{ps}/) and step 13's unit tests (tests/unit/test_{s}_rules.py). Search
them for TODO(scaffold). The rest of CONTRIBUTING.md's "Adding a resource", by its numbers:

5. bw_pulumi/resources/client.py: its API on BandwidthClient.
       from {res}.api import {p}Api

       @cached_property
       def {ps}(self) -> {p}Api:
           return {p}Api(self.transport)
   then in bw_pulumi/resources/{s}/kind.py pass `lambda: shared.api().{ps}`.

6. bw_pulumi/resources/registry.py: its kind in KINDS.
       from {res}.kind import {u}_KIND
       KINDS: tuple[Kind, ...] = (..., {u}_KIND)

7. bw_pulumi/provider.py (pickled by this path and name: name it once, never move it):
       from {res}.kind import {u}_KIND

       class {t}Provider(KindProvider):
           \"\"\"CRUD for one {n.label}, keyed by its id.\"\"\"

           kind = {u}_KIND
   and "{t}Provider" in its __all__.

8. bw_pulumi/resource.py: the dynamic resource users declare.
       from bw_pulumi.provider import {t}Provider

       class {t}(Resource, module="bandwidth", name="{t}"):
           \"\"\"{article.capitalize()} {n.label}.\"\"\"

           name: pulumi.Output[str]
           {s}_id: pulumi.Output[str]

           def __init__(
               self,
               resource_name: str,
               *,
               name: pulumi.Input[str],
               opts: pulumi.ResourceOptions | None = None,
           ) -> None:
               provider = {t}Provider()
               inputs = {{"name": name}}
               super().__init__(provider, resource_name, *_declare(provider, inputs, opts))
   and in bw_pulumi/__init__.py: import {t} and {t}Provider, and add both to __all__.

9. Only if its operations read a new setting: config/settings.py, config/properties.py,
   a field on kind.Shared and a line in config/shared.py.

10. scripts/gen-sdk, and commit sdk/.

11. The sandbox: bw_pulumi/sandbox/{ps}/ is written. Add
    bw_pulumi/sandbox/registry.py:
       from .{ps} import control as {s}_control
       from .{ps} import routes as {s}_routes
       Resource("{n.segment}", {s}_routes.route, {s}_control.handle),   (in RESOURCES)
    bw_pulumi/sandbox/state.py:
       from .{ps}.store import {t}Store
       self.{ps} = {t}Store(config.account_id, self._lock, self._count_write)   (__init__)
       self.{ps}.reset()   (reset, under the lock)
       **self.{ps}.snapshot(),   (snapshot)

12. docs/bandwidth-api.md: the facts about its API, with their source marks; behaviours
    that matter against the real API as `live` tests.

13. An example under examples/; its rows in CONTRIBUTING.md's map:
       | `bw_pulumi/resources/{s}/definition.py` | the {n.label}'s properties |
       | `bw_pulumi/resources/{s}/rules.py` | its rules (pure) |
       | `bw_pulumi/resources/{s}/models.py` | {article} {n.label} as the API exchanges it |
       | `bw_pulumi/resources/{s}/xml.py` | its XML bodies |
       | `bw_pulumi/resources/{s}/api.py` | the {n.plural_label} API |
       | `bw_pulumi/resources/{s}/operations.py` | check, diff, create, read, update, delete |
       | `bw_pulumi/resources/{s}/kind.py` | the {n.label} as a `Kind` |
     and `{ps}/` beside `realms/` in the sandbox row; tests in each tier it touches
    (sandbox, protocol, e2e); tests/unit/test_definitions.py's list of resources gets
    ({t}, {u}).
"""


def write(root: Path, names: Names) -> list[Path]:
    """Write the skeleton under ``root``; nothing at all if any of it exists already."""
    if not (root / "bw_pulumi" / "resources" / "registry.py").is_file():
        raise UsageError(f"{root}: not a bw-pulumi checkout (no bw_pulumi/resources/registry.py)")
    files = skeleton(names).files
    folders = {f"bw_pulumi/resources/{names.snake}", f"bw_pulumi/sandbox/{names.plural_snake}"}
    taken = sorted(f"{p}/" for p in folders if (root / p).exists())
    taken += sorted(p for p in files if (root / p).exists() and not p.startswith(tuple(taken)))
    if taken:
        raise UsageError(
            f"{' and '.join(taken)} already exist{'s' if len(taken) == 1 else ''}:"
            " scaffold-resource never overwrites; choose another name, or remove it first"
        )
    written = []
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/scaffold-resource",
        description="Write the skeleton of a new resource (CONTRIBUTING.md, 'Adding a resource').",
    )
    parser.add_argument("type", help="the type's name in the package, PascalCase: SipPeer")
    parser.add_argument("--label", required=True, help='how messages name it: "SIP peer"')
    parser.add_argument(
        "--segment", help="its API path segment (default: the plural, lowercased: sippeers)"
    )
    parser.add_argument(
        "--root", type=Path, default=REPO, help="the checkout to write into (default: this one)"
    )
    args = parser.parse_args(argv)
    try:
        names = names_from(args.type, args.label, args.segment)
        written = write(args.root, names)
    except UsageError as error:
        print(f"scaffold-resource: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(args.root)}")
    print()
    print(remaining_steps(names), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
