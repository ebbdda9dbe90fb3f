"""A small MS-NRBF (.NET BinaryFormatter) writer for building test payloads.

Written from [MS-NRBF] and from what real ``.graphrunbook`` exports contain, independently
of ``analyzer.frontends.nrbf``: tests use it to produce streams whose content is known, so
the reader can be checked against them.

An object graph is described with plain Python values:

- :class:`Instance`: a class instance with typed members (``(name, MemberType, value)``);
  ``library=None`` makes it a system class (mscorlib). ``value_type=True`` marks structs
  and boxed enums, which BinaryFormatter writes inline with a negative object id.
- :class:`Array`: an array written as BinaryArray (7), ArraySingleObject (16),
  ArraySingleString (17) or ArraySinglePrimitive (15).
- ``str``: a string, written as BinaryObjectString (6) the first time and as
  MemberReference (9) after that when ``share_strings`` is on; :class:`Str` shares by
  identity only (as .NET does).
- :class:`Boxed`: a primitive inside an ``object`` member (MemberPrimitiveTyped, 8);
  ``bool``, ``int`` and :class:`TimeSpan` in such members are boxed automatically.
- ``None``: ObjectNull (10); runs of nulls inside arrays become ObjectNullMultiple256 (13)
  or ObjectNullMultiple (14).

``layout="dotnet"`` writes like BinaryFormatter: objects in breadth-first order, every
reference-type member as a MemberReference to an object written later (forward
references), the first class record of each layout in full (5 or 4) and ClassWithId (1)
after that. ``layout="nested"`` writes each object inline where it is first met.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass, field
from typing import Any


class RecordType:
    SERIALIZED_STREAM_HEADER = 0
    CLASS_WITH_ID = 1
    SYSTEM_CLASS_WITH_MEMBERS = 2
    CLASS_WITH_MEMBERS = 3
    SYSTEM_CLASS_WITH_MEMBERS_AND_TYPES = 4
    CLASS_WITH_MEMBERS_AND_TYPES = 5
    BINARY_OBJECT_STRING = 6
    BINARY_ARRAY = 7
    MEMBER_PRIMITIVE_TYPED = 8
    MEMBER_REFERENCE = 9
    OBJECT_NULL = 10
    MESSAGE_END = 11
    BINARY_LIBRARY = 12
    OBJECT_NULL_MULTIPLE_256 = 13
    OBJECT_NULL_MULTIPLE = 14
    ARRAY_SINGLE_PRIMITIVE = 15
    ARRAY_SINGLE_OBJECT = 16
    ARRAY_SINGLE_STRING = 17


class BinaryType:
    PRIMITIVE = 0
    STRING = 1
    OBJECT = 2
    SYSTEM_CLASS = 3
    CLASS = 4
    OBJECT_ARRAY = 5
    STRING_ARRAY = 6
    PRIMITIVE_ARRAY = 7


class PrimitiveType:
    BOOLEAN = 1
    BYTE = 2
    CHAR = 3
    DECIMAL = 5
    DOUBLE = 6
    INT16 = 7
    INT32 = 8
    INT64 = 9
    SBYTE = 10
    SINGLE = 11
    TIMESPAN = 12
    DATETIME = 13
    UINT16 = 14
    UINT32 = 15
    UINT64 = 16
    NULL = 17
    STRING = 18


_FORMATS = {
    PrimitiveType.BOOLEAN: "<?",
    PrimitiveType.BYTE: "<B",
    PrimitiveType.DOUBLE: "<d",
    PrimitiveType.INT16: "<h",
    PrimitiveType.INT32: "<i",
    PrimitiveType.INT64: "<q",
    PrimitiveType.SBYTE: "<b",
    PrimitiveType.SINGLE: "<f",
    PrimitiveType.TIMESPAN: "<q",
    PrimitiveType.DATETIME: "<Q",
    PrimitiveType.UINT16: "<H",
    PrimitiveType.UINT32: "<I",
    PrimitiveType.UINT64: "<Q",
}


@dataclass(frozen=True)
class MemberType:
    """BinaryTypeEnumeration plus AdditionalInfo: a primitive type number, a system class
    name, or ``(class name, library name)``."""

    binary_type: int
    info: Any = None


def prim(kind: int) -> MemberType:
    return MemberType(BinaryType.PRIMITIVE, kind)


def system_class(name: str) -> MemberType:
    return MemberType(BinaryType.SYSTEM_CLASS, name)


def klass(name: str, library: str) -> MemberType:
    return MemberType(BinaryType.CLASS, (name, library))


def prim_array(kind: int) -> MemberType:
    return MemberType(BinaryType.PRIMITIVE_ARRAY, kind)


STRING = MemberType(BinaryType.STRING)
OBJECT = MemberType(BinaryType.OBJECT)
OBJECT_ARRAY = MemberType(BinaryType.OBJECT_ARRAY)
STRING_ARRAY = MemberType(BinaryType.STRING_ARRAY)
INT32 = prim(PrimitiveType.INT32)
BOOLEAN = prim(PrimitiveType.BOOLEAN)
TIMESPAN = prim(PrimitiveType.TIMESPAN)


@dataclass(frozen=True)
class TimeSpan:
    ticks: int


@dataclass(frozen=True)
class Boxed:
    """A primitive in an ``object`` member or array slot (MemberPrimitiveTyped)."""

    kind: int
    value: Any


@dataclass(eq=False)
class Str:
    """A string object shared by identity (every use after the first is a reference)."""

    text: str


@dataclass(eq=False)
class Instance:
    class_name: str
    members: list[tuple[str, MemberType, Any]]
    library: str | None = None
    value_type: bool = False

    def member(self, name: str) -> Any:
        for member_name, _, value in self.members:
            if member_name == name:
                return value
        raise KeyError(name)


@dataclass(eq=False)
class Array:
    """``kind``: ``binary`` (BinaryArray), ``object`` (ArraySingleObject), ``string``
    (ArraySingleString) or ``primitive`` (ArraySinglePrimitive). ``element`` is the
    element type of a BinaryArray or the primitive type of a primitive array."""

    items: list[Any]
    kind: str = "binary"
    element: MemberType = OBJECT
    lower_bound: int | None = None


@dataclass
class Written:
    """Where things landed, for tests that mutate the bytes."""

    #: (offset, end, record type, depth) of every record, nested ones included.
    records: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: (offset, what) of every int32 field: ``id``, ``ref``, ``metadata``, ``length``,
    #: ``count``, ``library``, ``rank``, ``header``.
    int32_fields: list[tuple[int, str]] = field(default_factory=list)
    #: Offset of the MessageEnd record.
    message_end: int = -1


class NrbfWriter:
    def __init__(self, *, layout: str = "dotnet", share_strings: bool = False) -> None:
        if layout not in ("dotnet", "nested"):
            raise ValueError(layout)
        self.layout = layout
        self.share_strings = share_strings
        self.out = bytearray()
        self.next_id = 1
        self.ids: dict[int, int] = {}  # id(python object) -> object id
        self.keep: list[Any] = []  # keeps described objects alive while ids are in use
        self.strings: dict[str, int] = {}
        self.written: set[int] = set()
        self.layouts: dict[tuple[str, str | None, tuple[str, ...]], int] = {}
        self.libraries: dict[str, int] = {}
        self.queue: deque[Any] = deque()
        self.info = Written()
        self.types: dict[tuple[str, str | None, tuple[str, ...]], tuple[MemberType, ...]] = {}

    # ----------------------------------------------------------- encoding
    def _byte(self, value: int) -> None:
        self.out.append(value & 0xFF)

    def _int32(self, value: int, what: str | None = None) -> None:
        if what is not None:
            self.info.int32_fields.append((len(self.out), what))
        self.out += struct.pack("<i", value)

    def _string(self, text: str) -> None:
        data = text.encode("utf-8")
        length = len(data)
        while True:
            part = length & 0x7F
            length >>= 7
            if length:
                self._byte(part | 0x80)
            else:
                self._byte(part)
                break
        self.out += data

    def _primitive(self, kind: int, value: Any) -> None:
        if kind in (PrimitiveType.STRING, PrimitiveType.DECIMAL):
            self._string(str(value))
        elif kind == PrimitiveType.CHAR:
            self.out += str(value)[0].encode("utf-8")
        elif kind == PrimitiveType.NULL:
            pass
        elif kind == PrimitiveType.TIMESPAN:
            ticks = value.ticks if isinstance(value, TimeSpan) else int(value)
            self.out += struct.pack("<q", ticks)
        else:
            self.out += struct.pack(_FORMATS[kind], value)

    def _type_info(self, member_type: MemberType) -> None:
        binary_type, info = member_type.binary_type, member_type.info
        if binary_type in (BinaryType.PRIMITIVE, BinaryType.PRIMITIVE_ARRAY):
            self._byte(info)
        elif binary_type == BinaryType.SYSTEM_CLASS:
            self._string(info)
        elif binary_type == BinaryType.CLASS:
            name, library = info
            self._string(name)
            self._int32(self.libraries[library], "library")

    def _library(self, name: str) -> None:
        if name in self.libraries:
            return
        library_id = self._new_id()
        self.libraries[name] = library_id
        start = len(self.out)
        self._byte(RecordType.BINARY_LIBRARY)
        self._int32(library_id, "id")
        self._string(name)
        self.info.records.append((start, len(self.out), RecordType.BINARY_LIBRARY, 0))

    # ---------------------------------------------------------------- ids
    def _new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def _id_of(self, obj: Any) -> int | None:
        return self.ids.get(id(obj))

    def _assign(self, obj: Any) -> int:
        object_id = self._new_id()
        self.ids[id(obj)] = object_id
        self.keep.append(obj)
        return object_id

    # ------------------------------------------------------------ records
    def _record(self, obj: Any, depth: int) -> None:
        """Write ``obj`` (an Instance or Array) as a full record."""
        start = len(self.out)
        if isinstance(obj, Instance):
            kind = self._instance(obj, depth)
        elif isinstance(obj, Array):
            kind = self._array(obj, depth)
        else:
            raise TypeError(f"not an object record: {obj!r}")
        self.info.records.append((start, len(self.out), kind, depth))

    def _instance(self, obj: Instance, depth: int) -> int:
        if obj.value_type:
            object_id = -self._new_id()
        else:
            object_id = self._id_of(obj)
            if object_id is None:
                object_id = self._assign(obj)
        self.written.add(id(obj))
        names = tuple(name for name, _, _ in obj.members)
        key = (obj.class_name, obj.library, names)
        metadata = self.layouts.get(key)
        # Libraries named by the member types must exist before the class record.
        for _, member_type, _ in obj.members:
            if member_type.binary_type == BinaryType.CLASS:
                self._library(member_type.info[1])
        if metadata is not None:
            kind = RecordType.CLASS_WITH_ID
            # The library record (if any) was written with the first instance.
            self._byte(kind)
            self._int32(object_id, "id")
            self._int32(metadata, "metadata")
            types = self.types[key]
        else:
            if obj.library is not None:
                self._library(obj.library)
            kind = (
                RecordType.SYSTEM_CLASS_WITH_MEMBERS_AND_TYPES
                if obj.library is None
                else RecordType.CLASS_WITH_MEMBERS_AND_TYPES
            )
            self.layouts[key] = object_id
            types = tuple(member_type for _, member_type, _ in obj.members)
            self.types[key] = types
            self._byte(kind)
            self._int32(object_id, "id")
            self._string(obj.class_name)
            self._int32(len(names), "count")
            for name in names:
                self._string(name)
            for member_type in types:
                self._byte(member_type.binary_type)
            for member_type in types:
                self._type_info(member_type)
            if obj.library is not None:
                self._int32(self.libraries[obj.library], "library")
        for (_, _, value), member_type in zip(obj.members, types, strict=True):
            if member_type.binary_type == BinaryType.PRIMITIVE:
                self._primitive(member_type.info, value)
            else:
                self._value(value, depth + 1)
        return kind

    def _array(self, obj: Array, depth: int) -> int:
        object_id = self._id_of(obj)
        if object_id is None:
            object_id = self._assign(obj)
        self.written.add(id(obj))
        element = obj.element
        if obj.kind == "binary":
            if element.binary_type == BinaryType.CLASS:
                self._library(element.info[1])
            kind = RecordType.BINARY_ARRAY
            self._byte(kind)
            self._int32(object_id, "id")
            self._byte(0 if obj.lower_bound is None else 3)  # Single / SingleOffset
            self._int32(1, "rank")
            self._int32(len(obj.items), "length")
            if obj.lower_bound is not None:
                self._int32(obj.lower_bound, "lower bound")
            self._byte(element.binary_type)
            self._type_info(element)
            if element.binary_type == BinaryType.PRIMITIVE:
                for item in obj.items:
                    self._primitive(element.info, item)
                return kind
        elif obj.kind == "primitive":
            kind = RecordType.ARRAY_SINGLE_PRIMITIVE
            self._byte(kind)
            self._int32(object_id, "id")
            self._int32(len(obj.items), "length")
            self._byte(element.info)
            for item in obj.items:
                self._primitive(element.info, item)
            return kind
        else:
            kind = (
                RecordType.ARRAY_SINGLE_STRING
                if obj.kind == "string"
                else RecordType.ARRAY_SINGLE_OBJECT
            )
            self._byte(kind)
            self._int32(object_id, "id")
            self._int32(len(obj.items), "length")
        self._elements(obj.items, depth + 1)
        return kind

    def _elements(self, items: list[Any], depth: int) -> None:
        index = 0
        while index < len(items):
            if items[index] is None:
                run = 1
                while index + run < len(items) and items[index + run] is None:
                    run += 1
                start = len(self.out)
                if run == 1:
                    kind = RecordType.OBJECT_NULL
                    self._byte(kind)
                elif run < 256:
                    kind = RecordType.OBJECT_NULL_MULTIPLE_256
                    self._byte(kind)
                    self._byte(run)
                else:
                    kind = RecordType.OBJECT_NULL_MULTIPLE
                    self._byte(kind)
                    self._int32(run, "count")
                self.info.records.append((start, len(self.out), kind, depth))
                index += run
                continue
            self._value(items[index], depth)
            index += 1

    def _value(self, value: Any, depth: int) -> None:
        """A member value or array element that is not an inline primitive."""
        start = len(self.out)
        if value is None:
            kind = RecordType.OBJECT_NULL
            self._byte(kind)
        elif isinstance(value, (str, Str)):
            kind = self._string_record(value)
        elif isinstance(value, (Boxed, bool, int, float, TimeSpan)):
            boxed = _box(value)
            kind = RecordType.MEMBER_PRIMITIVE_TYPED
            self._byte(kind)
            self._byte(boxed.kind)
            self._primitive(boxed.kind, boxed.value)
        elif isinstance(value, Instance) and value.value_type:
            self._record(value, depth)
            return
        elif isinstance(value, (Instance, Array)):
            object_id = self._id_of(value)
            if object_id is not None and (self.layout == "dotnet" or id(value) in self.written):
                kind = self._reference(object_id)
            elif self.layout == "dotnet":
                object_id = self._assign(value)
                self.queue.append(value)
                kind = self._reference(object_id)
            else:
                self._record(value, depth)
                return
        else:
            raise TypeError(f"cannot serialize {value!r}")
        self.info.records.append((start, len(self.out), kind, depth))

    def _reference(self, object_id: int) -> int:
        self._byte(RecordType.MEMBER_REFERENCE)
        self._int32(object_id, "ref")
        return RecordType.MEMBER_REFERENCE

    def _string_record(self, value: str | Str) -> int:
        if isinstance(value, Str):
            known = self._id_of(value)
            text = value.text
        else:
            known = self.strings.get(value) if self.share_strings else None
            text = value
        if known is not None:
            return self._reference(known)
        if isinstance(value, Str):
            object_id = self._assign(value)
        else:
            object_id = self._new_id()
            if self.share_strings:
                self.strings[value] = object_id
        self._byte(RecordType.BINARY_OBJECT_STRING)
        self._int32(object_id, "id")
        self._string(text)
        return RecordType.BINARY_OBJECT_STRING

    # ------------------------------------------------------------- stream
    def serialize(self, root: Instance | Array, *, header_id: int = -1) -> bytes:
        root_id = self._assign(root)
        self._byte(RecordType.SERIALIZED_STREAM_HEADER)
        self._int32(root_id, "header")
        self._int32(header_id, "header")
        self._int32(1, "header")
        self._int32(0, "header")
        if self.layout == "dotnet":
            self.queue.append(root)
            while self.queue:
                self._record(self.queue.popleft(), 0)
        else:
            self._record(root, 0)
        self.info.message_end = len(self.out)
        self._byte(RecordType.MESSAGE_END)
        return bytes(self.out)


def _box(value: Any) -> Boxed:
    if isinstance(value, Boxed):
        return value
    if isinstance(value, bool):
        return Boxed(PrimitiveType.BOOLEAN, value)
    if isinstance(value, int):
        return Boxed(PrimitiveType.INT32, value)
    if isinstance(value, float):
        return Boxed(PrimitiveType.DOUBLE, value)
    if isinstance(value, TimeSpan):
        return Boxed(PrimitiveType.TIMESPAN, value)
    raise TypeError(value)


def serialize(
    root: Instance | Array, *, layout: str = "dotnet", share_strings: bool = False
) -> bytes:
    return NrbfWriter(layout=layout, share_strings=share_strings).serialize(root)


def serialize_with_info(
    root: Instance | Array, *, layout: str = "dotnet", share_strings: bool = False
) -> tuple[bytes, Written]:
    writer = NrbfWriter(layout=layout, share_strings=share_strings)
    data = writer.serialize(root)
    return data, writer.info


def pad_power_of_two(data: bytes, minimum: int = 8192, fill: bytes = b"\x00") -> bytes:
    """Zero padding as in real exports: up to the next power of two (at least 8 KiB)."""
    size = minimum
    while size < len(data):
        size *= 2
    return data + (fill * (size - len(data)))[: size - len(data)]
