"""A submission's reporter is indexed from the values its validators already normalized: the
index is the one the general normalizers give for what the partner sent."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hub.contract.v1 import Reporter
from hub.security.blind import checked_index, id_index, phone_index
from hub.security.crypto import Cipher
from hub.security.keyring import create_keyring, load_keyring
from tests.support import factories

_PHONE_CHARS = st.sampled_from(list("0123456789-() +转#X") + ["分机", "EXT", "－", "１"])
_PHONES = st.one_of(
    st.lists(_PHONE_CHARS, max_size=16).map("".join),
    st.builds(lambda p, n: f"{p}1{n}", st.sampled_from(["", "+86", "0086", "86", "+86 "]),
              st.integers(3000000000, 9999999999)),
    st.builds(lambda a, n, e: f"{a}-{n}{e}", st.sampled_from(["010", "027", "0719", "(0719)"]),
              st.integers(2000000, 99999999), st.sampled_from(["", "转801", "-12", "#3"])),
)
_IDS = st.one_of(st.text(alphabet="0123456789Xx ", max_size=20),
                 st.from_regex(r"[1-6][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])"
                               r"[0-9]{3}", fullmatch=True).map(factories.id_number),
                 st.from_regex(r"[1-6][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])"
                               r"[0-9]{3}", fullmatch=True)
                 .map(lambda s: factories.id_number(s).lower()))


@settings(max_examples=300, deadline=None)
@given(phone=_PHONES, id_number=_IDS)
def test_checked_index_is_the_index_of_what_was_sent(tmp_path_factory, phone, id_number):
    path = tmp_path_factory.getbasetemp() / "blind-keyring.json"
    if not path.exists():
        create_keyring(path)
    cipher = Cipher(load_keyring(path))
    for field, sent, index in (("phone", phone, phone_index),
                               ("id_number", id_number, id_index)):
        try:
            checked = getattr(Reporter.model_validate({field: sent}), field)
        except ValidationError:
            continue  # refused: never indexed
        assert checked_index(cipher, field, checked) == index(cipher, sent)
