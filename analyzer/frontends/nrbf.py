"""A bounded reader for .NET BinaryFormatter streams ([MS-NRBF]), for untrusted input.

Graphical runbook exports carry their model as an NRBF stream. This reader implements the
subset of record types a serialized object graph uses, and nothing that executes or loads
anything: it turns bytes into plain Python values (:class:`NObject`, lists, strings,
numbers). Every length and count read from the stream is checked against the bytes that
remain and against fixed caps before anything is allocated, so a hostile or corrupt
payload costs at most time and memory proportional to its size, and fails with
:class:`NrbfError` instead of an exception from deep inside the reader.

Why not a library: of the PyPI readers, ``netfleece`` does not import on current Pythons,
``nrbf`` fails on dictionaries with object keys, and ``dnbflib`` (which reads the real
exports once the padding is stripped) is an editing toolkit built on an SQLite record
store with no bounds on declared lengths. The subset needed here is small.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

#: Caps far above anything real (real exports: under 64 KiB, about 30,000 records).
MAX_STREAM_BYTES = 16 * 1024 * 1024
MAX_RECORDS = 2_000_000
MAX_ARRAY_ELEMENTS = 1_000_000
MAX_DEPTH = 256
#: Member values and array elements read in total. Some cost no bytes (a ``Null``
#: primitive), so without this budget a small payload could repeat a wide class layout
#: many times and make the work quadratic in its size.
MAX_WORK = 1_000_000

_PRIMITIVE_SIZES = {
    1: 1,
    2: 1,
    6: 8,
    7: 2,
    8: 4,
    9: 8,
    10: 1,
    11: 4,
    12: 8,
    13: 8,
    14: 2,
    15: 4,
    16: 8,
}
_PRIMITIVE_FORMATS = {
    1: "<?",
    2: "<B",
    6: "<d",
    7: "<h",
    8: "<i",
    9: "<q",
    10: "<b",
    11: "<f",
    12: "<q",
    13: "<Q",
    14: "<H",
    15: "<I",
    16: "<Q",
}
_PRIMITIVE_NAMES = {
    1: "Boolean",
    2: "Byte",
    3: "Char",
    5: "Decimal",
    6: "Double",
    7: "Int16",
    8: "Int32",
    9: "Int64",
    10: "SByte",
    11: "Single",
    12: "TimeSpan",
    13: "DateTime",
    14: "UInt16",
    15: "UInt32",
    16: "UInt64",
    17: "Null",
    18: "String",
}


class NrbfError(Exception):
    """The stream is truncated, corrupt, hostile or uses records this reader rejects."""


@dataclass(eq=False)
class NObject:
    """A deserialized class instance: its .NET class name and its members in order."""

    class_name: str
    members: dict[str, Any] = field(default_factory=dict)
    object_id: int | None = None
    library: str | None = None

    def __repr__(self) -> str:
        # Never recurse: objects are shared between paths and may form cycles.
        return f"<{self.bare_class} #{self.object_id} {list(self.members)}>"

    @property
    def bare_class(self) -> str:
        """Class name without namespace, generic arguments or assembly identity."""
        name = self.class_name.split(",", 1)[0].split("[", 1)[0].split("`", 1)[0]
        return name.rsplit(".", 1)[-1]

    def member(self, name: str, default: Any = None) -> Any:
        """A member by property name: ``<Name>k__BackingField`` and ``Base+<Name>…`` match
        ``Name``, and plain field names match themselves."""
        for key, value in self.members.items():
            if property_name(key) == name:
                return value
        return default


@dataclass(frozen=True, slots=True)
class TimeSpan:
    ticks: int


@dataclass(frozen=True, slots=True)
class _Ref:
    id: int


@dataclass(frozen=True, slots=True)
class _ClassInfo:
    name: str
    member_names: tuple[str, ...]
    #: (binary type, additional info) per member, or None for untyped members.
    member_types: tuple[tuple[int, Any], ...] | None
    library: str | None


class _NullRun:
    """``ObjectNullMultiple``: stands for ``count`` consecutive nulls in an array."""

    __slots__ = ("count",)

    def __init__(self, count: int) -> None:
        self.count = count


def property_name(member: str) -> str:
    """``Activity+<Name>k__BackingField`` → ``Name``; plain names are returned as is."""
    name = member.rsplit("+", 1)[-1]
    if name.startswith("<") and ">" in name:
        return name[1 : name.index(">")]
    return name


@dataclass
class Stream:
    """Result of reading: the root object and the library names seen."""

    root: Any
    libraries: dict[int, str]
    records: int
    end_offset: int


class _Reader:
    def __init__(self, data: bytes) -> None:
        if len(data) > MAX_STREAM_BYTES:
            raise NrbfError(
                f"payload of {len(data)} bytes exceeds the {MAX_STREAM_BYTES}-byte limit"
            )
        self.data = data
        self.pos = 0
        self.objects: dict[int, Any] = {}
        self.classes: dict[int, _ClassInfo] = {}
        self.libraries: dict[int, str] = {}
        self.records = 0
        self.elements = 0
        self.work = 0
        self.pending: list[tuple[Any, Any]] = []

    # ------------------------------------------------------------ primitives
    def _take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise NrbfError(f"truncated stream: {size} bytes needed at offset {self.pos}")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise NrbfError(f"truncated stream at offset {self.pos}")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def int32(self) -> int:
        return struct.unpack("<i", self._take(4))[0]

    def count(self, what: str, minimum_bytes_each: int = 1) -> int:
        value = self.int32()
        remaining = len(self.data) - self.pos
        if value < 0 or value * minimum_bytes_each > remaining:
            raise NrbfError(f"implausible {what} {value} at offset {self.pos - 4}")
        return value

    def string(self) -> str:
        length = 0
        for shift in range(0, 35, 7):
            part = self.byte()
            length |= (part & 0x7F) << shift
            if not part & 0x80:
                break
        else:
            raise NrbfError(f"string length prefix too long at offset {self.pos}")
        raw = self._take(length)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise NrbfError(f"string at offset {self.pos - length} is not UTF-8") from None

    def primitive(self, kind: int) -> Any:
        if kind == 18:
            return self.string()
        if kind == 5:
            return self.string()  # Decimal is serialized as its string form
        if kind == 3:
            first = self.byte()
            width = 1 if first < 0x80 else 2 if first < 0xE0 else 3 if first < 0xF0 else 4
            raw = bytes([first]) + self._take(width - 1)
            return raw.decode("utf-8", errors="replace")
        if kind == 17:
            return None
        fmt = _PRIMITIVE_FORMATS.get(kind)
        if fmt is None:
            raise NrbfError(f"unknown primitive type {kind} at offset {self.pos}")
        value = struct.unpack(fmt, self._take(_PRIMITIVE_SIZES[kind]))[0]
        if kind == 12:
            return TimeSpan(value)
        return value

    # -------------------------------------------------------------- records
    def _register(self, object_id: int, value: Any) -> None:
        if object_id in self.objects:
            raise NrbfError(f"object id {object_id} defined twice")
        self.objects[object_id] = value

    def _count_record(self) -> None:
        self.records += 1
        if self.records > MAX_RECORDS:
            raise NrbfError(f"more than {MAX_RECORDS} records")

    def _class_info(self, typed: bool, library: bool, system: bool) -> tuple[int, _ClassInfo]:
        object_id = self.int32()
        name = self.string()
        member_count = self.count("member count")
        names = tuple(self.string() for _ in range(member_count))
        types: tuple[tuple[int, Any], ...] | None = None
        if typed:
            binary_types = [self.byte() for _ in range(member_count)]
            infos = []
            for binary_type in binary_types:
                if binary_type in (0, 7):
                    infos.append((binary_type, self.byte()))
                elif binary_type == 3:
                    infos.append((binary_type, self.string()))
                elif binary_type == 4:
                    infos.append((binary_type, (self.string(), self.int32())))
                elif binary_type in (1, 2, 5, 6):
                    infos.append((binary_type, None))
                else:
                    raise NrbfError(f"unknown binary type {binary_type} at offset {self.pos}")
            types = tuple(infos)
        library_name = None
        if library:
            library_id = self.int32()
            library_name = self.libraries.get(library_id)
        elif system:
            library_name = "mscorlib"
        return object_id, _ClassInfo(name, names, types, library_name)

    def _spend(self, units: int) -> None:
        self.work += units
        if self.work > MAX_WORK:
            raise NrbfError(f"more than {MAX_WORK} member values and array elements")

    def _instance(self, object_id: int, info: _ClassInfo, depth: int) -> NObject:
        self._spend(len(info.member_names) + 1)
        obj = NObject(info.name, {}, object_id, info.library)
        self._register(object_id, obj)
        for index, name in enumerate(info.member_names):
            if info.member_types is not None:
                binary_type, extra = info.member_types[index]
                if binary_type == 0:
                    value: Any = self.primitive(extra)
                else:
                    value = self.value(depth + 1)
            else:
                value = self.value(depth + 1)
            if isinstance(value, _NullRun):
                raise NrbfError("a run of nulls cannot be a member value")
            obj.members[name] = value
        return obj

    def _array(self, object_id: int, length: int, element: tuple[int, Any], depth: int) -> list:
        # Null runs let a few bytes declare many elements; real arrays are small, so the
        # length must stay within reach of the bytes that remain.
        if length > (len(self.data) - self.pos) * 16 + 1024:
            raise NrbfError(f"array of {length} elements cannot fit in the rest of the stream")
        self.elements += length
        if self.elements > MAX_ARRAY_ELEMENTS:
            raise NrbfError(f"more than {MAX_ARRAY_ELEMENTS} array elements")
        self._spend(length)
        items: list[Any] = []
        self._register(object_id, items)
        binary_type, extra = element
        if binary_type == 7 or binary_type == 0:
            size = _PRIMITIVE_SIZES.get(extra, 1)
            if length * size > len(self.data) - self.pos:
                raise NrbfError(f"primitive array of {length} items overruns the stream")
            for _ in range(length):
                items.append(self.primitive(extra))
            return items
        while len(items) < length:
            value = self.value(depth + 1)
            if isinstance(value, _NullRun):
                if len(items) + value.count > length:
                    raise NrbfError("null run overruns its array")
                items.extend([None] * value.count)
            else:
                items.append(value)
        return items

    def value(self, depth: int = 0) -> Any:
        """Read one record and return its value (a placeholder for references)."""
        if depth > MAX_DEPTH:
            raise NrbfError(f"objects nested deeper than {MAX_DEPTH}")
        self._count_record()
        start = self.pos
        kind = self.byte()
        while kind == 12:  # BinaryLibrary records precede the record that uses them
            library_id = self.int32()
            self.libraries[library_id] = self.string()
            self._count_record()
            start = self.pos
            kind = self.byte()
        if kind == 1:  # ClassWithId
            object_id = self.int32()
            metadata_id = self.int32()
            info = self.classes.get(metadata_id)
            if info is None:
                raise NrbfError(
                    f"ClassWithId at offset {start} refers to unknown class {metadata_id}"
                )
            return self._instance(object_id, info, depth)
        if kind in (2, 3, 4, 5):
            typed = kind in (4, 5)
            library = kind in (3, 5)
            object_id, info = self._class_info(typed, library, system=not library)
            self.classes[object_id] = info
            return self._instance(object_id, info, depth)
        if kind == 6:  # BinaryObjectString
            object_id = self.int32()
            text = self.string()
            self._register(object_id, text)
            return text
        if kind == 7:  # BinaryArray
            object_id = self.int32()
            array_type = self.byte()
            rank = self.int32()
            if not 1 <= rank <= 8:
                raise NrbfError(f"array rank {rank} at offset {start}")
            lengths = [self.count("array length", 0) for _ in range(rank)]
            if array_type in (3, 4, 5):
                for _ in range(rank):
                    self.int32()
            binary_type = self.byte()
            extra: Any = None
            if binary_type in (0, 7):
                extra = self.byte()
            elif binary_type == 3:
                extra = self.string()
            elif binary_type == 4:
                extra = (self.string(), self.int32())
            elif binary_type not in (1, 2, 5, 6):
                raise NrbfError(f"unknown binary type {binary_type} at offset {self.pos}")
            total = 1
            for length in lengths:
                total *= length
                if total > MAX_ARRAY_ELEMENTS:
                    raise NrbfError(f"array of more than {MAX_ARRAY_ELEMENTS} elements")
            return self._array(object_id, total, (binary_type, extra), depth)
        if kind == 8:  # MemberPrimitiveTyped
            return self.primitive(self.byte())
        if kind == 9:  # MemberReference
            return _Ref(self.int32())
        if kind == 10:
            return None
        if kind == 13:
            return _NullRun(self.byte())
        if kind == 14:
            return _NullRun(self.count("null count", 0))
        if kind in (15, 16, 17):  # ArraySinglePrimitive / Object / String
            object_id = self.int32()
            length = self.count("array length", 0)
            if kind == 15:
                return self._array(object_id, length, (7, self.byte()), depth)
            return self._array(object_id, length, (2, None), depth)
        if kind == 11:
            raise NrbfError(f"unexpected MessageEnd at offset {start}")
        if kind in (21, 22):
            raise NrbfError("method call records are not object graphs; refusing to read")
        raise NrbfError(f"unknown record type {kind} at offset {start}")

    # -------------------------------------------------------------- stream
    def read(self) -> Stream:
        if self.byte() != 0:
            raise NrbfError("not a BinaryFormatter stream: no SerializedStreamHeader")
        root_id = self.int32()
        self.int32()  # header id
        major, minor = self.int32(), self.int32()
        if (major, minor) != (1, 0):
            raise NrbfError(f"unsupported stream version {major}.{minor}")
        while True:
            if self.pos >= len(self.data):
                raise NrbfError("truncated stream: no MessageEnd record")
            if self.data[self.pos] == 11:
                self.pos += 1
                break
            self.value()
        if root_id not in self.objects:
            raise NrbfError(f"root object {root_id} is not in the stream")
        self._resolve()
        return Stream(self.objects[root_id], self.libraries, self.records, self.pos)

    def _resolve(self) -> None:
        """Replace reference placeholders by the objects they name (one pass; shared and
        cyclic references simply become shared Python objects)."""
        objects = self.objects

        def target(ref: _Ref) -> Any:
            if ref.id not in objects:
                raise NrbfError(f"reference to missing object {ref.id}")
            return objects[ref.id]

        for value in objects.values():
            if isinstance(value, NObject):
                for key, member in value.members.items():
                    if isinstance(member, _Ref):
                        value.members[key] = target(member)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, _Ref):
                        value[index] = target(item)


def read_stream(data: bytes) -> Stream:
    """Parse an NRBF stream; trailing bytes after MessageEnd are allowed (and measured)."""
    return _Reader(data).read()


def primitive_type_name(kind: int) -> str:
    return _PRIMITIVE_NAMES.get(kind, f"type {kind}")
