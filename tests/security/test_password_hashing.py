"""The product's password hashing: argon2id at its full cost (the other in-process tests
hash at the smallest cost to save time, tests/conftest.py)."""

from __future__ import annotations

from argon2 import Type, extract_parameters

from tests.support.fixed_costs import PRODUCT_HASHER


def test_office_passwords_are_hashed_with_argon2id_at_full_cost():
    (product,) = PRODUCT_HASHER  # hub.accounts.service._hasher as the module made it
    hashed = product.hash("correct-horse-9")
    params = extract_parameters(hashed)
    assert params.type is Type.ID
    assert (params.time_cost, params.memory_cost, params.parallelism) == (3, 65536, 4)
    assert product.verify(hashed, "correct-horse-9")
