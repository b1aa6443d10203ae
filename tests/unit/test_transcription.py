import pytest

from contact_centre.channels.phone.transcription import UnknownTranscriber, transcriber_for


def test_the_default_keeps_no_transcript():
    assert transcriber_for("none").transcribe(b"ID3...", "audio/mpeg") is None


def test_an_unknown_transcriber_is_named():
    with pytest.raises(UnknownTranscriber, match="PHONE_TRANSCRIBER « whisper » inconnu \\(connus : none\\)"):
        transcriber_for("whisper")
