"""SendfaxEx_2's packing rules and FaxQuery's verbs, as tables."""

import pytest

from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.packing import unpack
from interfax_soap.engine.queries import parse_verb
from interfax_soap.engine.records import FaxFilter

SUPPORTED = ("TXT", "PDF", "TIF")


def test_files_data_is_cut_by_the_sizes_and_typed_in_order() -> None:
    result = unpack(b"hello%PDF-x", "txt;PDF", "5;6", SUPPORTED)
    assert result.code == ResultCode.OK
    assert result.documents == ((b"hello", "TXT"), (b"%PDF-x", "PDF"))


@pytest.mark.parametrize(
    ("data", "types", "sizes", "code"),
    [
        (b"abc", "TXT;TXT", "3", -1002),  # two types, one size
        (b"abc", "TXT", "1;2", -1002),
        (b"", "", "", -1007),  # the real service answered an empty call with -1007
        (None, None, None, -1007),
        (b"abc", "TXT", "x", -1007),  # not numeric
        (b"abc", "TXT", "0", -1007),  # not > 0
        (b"abc", "TXT", "-3", -1007),
        (b"abc", "TXT", "4", -1008),  # sum != length of FilesData
        (b"abcd", "TXT;TXT", "1;2", -1008),
        (b"abc", "DOCX", "3", -1004),  # not rendered by this installation
        (b"abc", " ", "3", -1004),  # missing type
        (b"abc", "XYZ;TXT", "x;3", -1007),  # sizes are checked before types
        (b"abc", "XYZ", "4", -1008),
    ],
)
def test_packing_errors_come_in_the_documented_order(
    data: bytes | None, types: str | None, sizes: str | None, code: int
) -> None:
    assert unpack(data, types, sizes, SUPPORTED).code == code


def test_a_trailing_separator_names_no_document() -> None:
    assert unpack(b"ab", "TXT;TXT;", "1;1;", SUPPORTED).code == ResultCode.OK


@pytest.mark.parametrize(
    ("verb", "data", "expected"),
    [
        ("PARENT", "17", FaxFilter(parent_id=17)),
        ("ACTIVE", "", FaxFilter(active_only=True)),
        ("active", None, FaxFilter(active_only=True)),
        ("GT", "5", FaxFilter(id_min=6)),
        ("GE", "5", FaxFilter(id_min=5)),
        ("LT", "5", FaxFilter(id_max=4)),
        ("LE", "5", FaxFilter(id_max=5)),
        ("EQ", " 5 ", FaxFilter(ids=(5,))),
        ("BETWEEN", "3,9", FaxFilter(id_min=3, id_max=9)),
        ("IN", "1,4,9", FaxFilter(ids=(1, 4, 9))),
        ("BETWEEN", "9,3", None),  # the second must not be below the first
        ("BETWEEN", "3", None),
        ("EQ", "1,2", None),
        ("EQ", "", None),
        ("EQ", "abc", None),
        ("LIKE", "1", None),
        ("", "1", None),
    ],
)
def test_fax_query_verbs(verb: str, data: str | None, expected: FaxFilter | None) -> None:
    assert parse_verb(verb, data) == expected
