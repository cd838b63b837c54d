"""The toolkit tests' own machinery: a missing toolkit skips, or fails under CI=true; client
transcripts are read strictly."""

from __future__ import annotations

import pytest

from tests.toolkits import support

pytestmark = pytest.mark.toolkits

MISSING = "no-such-toolkit-command-4242"


def test_a_missing_toolkit_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match=f"{MISSING}.*scripts/setup-toolkits"):
        support.require(MISSING)


def test_a_missing_toolkit_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true requires every toolkit"):
        support.require("sh", probes=[("a probe that fails", ["sh", "-c", "exit 3"])])


def test_an_installed_toolkit_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(support, "IN_CI", True)
    support.require("sh", probes=[("a probe that passes", ["sh", "-c", "exit 0"])])


def test_transcripts_are_read_strictly() -> None:
    digest = "0" * 64
    transcript = support.parse_transcript(
        "TOOLKIT x y\nSUPPORTED TXT;PNG\nSENT 7\nFINAL 7 0 3/3 0012125550100\n"
        f"IMAGE 7 100 {digest}\nUPLOAD {'A' * 64} 2391\nSENT-UPLOAD 9\nDONE\n"
    )
    assert (transcript.batch, transcript.upload, transcript.uploaded_bytes) == (7, 9, 2391)
    assert transcript.finals[7] == support.Final(0, 3, 3, "0012125550100")
    assert transcript.images == {7: (100, digest)} and transcript.done
    with pytest.raises(AssertionError, match="unexpected line"):
        support.parse_transcript("SENT 7\nWARNING: something\nDONE\n")
