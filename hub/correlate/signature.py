"""MinHash signatures and LSH band keys, the same in every process and on every machine.

One-permutation MinHash with optimal densification (Li, Owen & Zhang 2012; Shrivastava 2017):
each shingle is hashed once, falls into one of `PERMUTATIONS` bins, and each bin keeps its
smallest value; an empty bin borrows from the next non-empty bin along a fixed probe sequence.
Two signatures agree in a bin with probability equal to the shingle sets' Jaccard similarity,
for the cost of one hash per shingle (a multiply-add over the characters' code points, then a
fold of the high half into the low). No PYTHONHASHSEED, no library version can change a
stored key: the constants are below.

Bands: the first `BANDS` × `ROWS` values of the signature are cut into `BANDS` bands of `ROWS`
values; two clues become candidates when any band is equal. With 16 × 4 the chance is
1 − (1 − J⁴)¹⁶: 0.64 at J = 0.5, 0.89 at 0.6, 0.99 at 0.7, so near-duplicates are found by
their text alone. Related clues worded apart (J < 0.3 for 196 of the 198 related labelled
pairs) are found by what they name (hub.correlate.index's field keys), not by bands.

Until 2026-12 the index kept 32 bands of the same 128 values. Its first 16 keys are these
16 (same values, same keyed hash), so clues indexed then are still found; their 16 other keys
are never asked for again (`hub correlate rebuild` writes the index without them). Fewer keys
lost nothing measured: the labelled clues among 300 synthetic clues a day
(bench/correlate_scale.py) gave recall 0.929 through clusters with 32 and with 16; where the
synthetic texts are made of the labelled clues' own phrases, 0.515 with 32, 0.606 with 16 (a
clue sharing several bands with look-alikes ranked them above its real partner). Each clue
writes and reads half the keys it did (docs/performance.md measures the pipeline before and
after).
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Iterable
from hashlib import blake2b
from itertools import compress
from operator import is_

BANDS = 16
ROWS = 4
PERMUTATIONS = 128  # the signature's values; the bands use the first BANDS * ROWS
SEED = 0x5EED_C0DE_2024_1122
_MASK = (1 << 64) - 1


def splitmix64(value: int) -> int:
    """A fixed 64-bit mixing function (Steele, Lea & Flood 2014)."""
    z = (value + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


_BAND_KEYS = [struct.pack("<QQ", SEED, band) for band in range(PERMUTATIONS)]  # by band number
_MULTIPLY = splitmix64(SEED) | 1
_ADD = splitmix64(SEED + 1)


def shingle_hash(shingle: str) -> int:
    """64 bits from the code points (21 bits each: exact for up to three characters)."""
    value = 0
    for ch in shingle:
        value = (value << 21) | ord(ch)
    value = (value * _MULTIPLY + _ADD) & _MASK
    return value ^ (value >> 32)


def _probe_orders(size: int) -> list[tuple[int, ...]]:
    """For each bin, the fixed order in which an empty bin looks for a value to borrow."""
    orders = []
    for slot in range(size):
        others = [s for s in range(size) if s != slot]
        others.sort(key=lambda other: splitmix64(SEED ^ (slot << 16) ^ other))
        orders.append(tuple(others))
    return orders


_PROBES = _probe_orders(PERMUTATIONS)
_SLOT_BITS = PERMUTATIONS.bit_length() - 1
_SLOT_MASK = PERMUTATIONS - 1
assert 1 << _SLOT_BITS == PERMUTATIONS, "PERMUTATIONS must be a power of two"


def signature(shingles: Iterable[str]) -> tuple[int, ...]:
    """The MinHash signature of a set of shingles (empty set: an empty tuple):
    `signature_of_hashes` of their `shingle_hash`es in one pass, without a list of hashes,
    each shingle's bin and value remembered (one tuple read for a look-up, a mask and a
    shift of a 64-bit number: signature ~37 -> ~31 µs per clue, bench/compute_cost.py's
    profiles)."""
    get = _KNOWN.get
    bins = [_EMPTY_BIN] * PERMUTATIONS
    for shingle in shingles:
        known = get(shingle)
        if known is None:
            known = _remembered(shingle)
        slot, value = known
        if value < bins[slot]:
            bins[slot] = value
    return _filled(bins)


# Shingle -> (its bin, its value): its hash, cut, for this process: complaints reuse a limited
# vocabulary of character pairs, and a look-up costs a fifth of the hash. Bounded; emptied
# when full (a race between threads only computes a hash twice: the value is a constant).
_KNOWN: dict[str, tuple[int, int]] = {}
_KNOWN_MAX = 1 << 16


def _remembered(shingle: str) -> tuple[int, int]:
    """`shingle_hash` as (bin, value), kept in `_KNOWN`; the two-character case (every
    shingle of a text longer than two characters) written out: the same number, for less
    than a call."""
    if len(shingle) == 2:
        value = (((ord(shingle[0]) << 21) | ord(shingle[1])) * _MULTIPLY + _ADD) & _MASK
        hashed = value ^ (value >> 32)
    else:
        hashed = shingle_hash(shingle)
    if len(_KNOWN) >= _KNOWN_MAX:
        _KNOWN.clear()
    known = _KNOWN[shingle] = (hashed & _SLOT_MASK, hashed >> _SLOT_BITS)
    return known


def signature_of_hashes(hashes: Iterable[int]) -> tuple[int, ...]:
    """The signature from shingle hashes (callers that cache hashes of repeated text).

    The low bits of a hash choose the bin, the high bits are the value kept (PERMUTATIONS is
    a power of two, so this is `divmod` by it). The bins are a list, the empty ones holding
    `_EMPTY_BIN`, above any value kept (a value has 64 - _SLOT_BITS bits)."""
    bins = [_EMPTY_BIN] * PERMUTATIONS
    for hashed in hashes:
        slot = hashed & _SLOT_MASK
        value = hashed >> _SLOT_BITS
        if value < bins[slot]:
            bins[slot] = value
    return _filled(bins)


_EMPTY_BIN = 1 << 64  # one object: an empty bin is `is _EMPTY_BIN`
_EMPTY_BINS = [_EMPTY_BIN] * PERMUTATIONS
_SLOTS = range(PERMUTATIONS)


def _filled(bins: list[int]) -> tuple[int, ...]:
    """Every bin's value, an empty bin borrowing from the first filled one along its fixed
    probe sequence (an empty set: an empty tuple)."""
    empty = list(compress(_SLOTS, map(is_, bins, _EMPTY_BINS)))
    if not empty:
        return tuple(bins)
    if len(empty) == PERMUTATIONS:
        return ()
    values = bins[:]
    for slot in empty:
        for other in _PROBES[slot]:  # one is filled: not all are empty
            if bins[other] is not _EMPTY_BIN:
                break
        values[slot] = bins[other]
    return tuple(values)


# The keyed hash of each band before any data: a copy of it is cheaper than keying anew.
_BAND_HASHERS = [blake2b(digest_size=8, key=key) for key in _BAND_KEYS[:BANDS]]
_UNPACK_KEYS = struct.Struct(f"<{BANDS}q").unpack
_PACK = struct.Struct(f"<{PERMUTATIONS}Q").pack
_PACK_BANDED = struct.Struct(f"<{BANDS * ROWS}Q").pack  # the values the bands use
_BAND_SLICES = [slice(band * ROWS * 8, (band + 1) * ROWS * 8) for band in range(BANDS)]
_copy, _update, _digest = (getattr(type(_BAND_HASHERS[0]), name)
                           for name in ("copy", "update", "digest"))
_drain = deque(maxlen=0).extend  # runs an iterator for its effects


def band_keys(sig: tuple[int, ...], bands: int = BANDS, rows: int = ROWS) -> tuple[int, ...]:
    """One signed 64-bit key per band: BLAKE2b of the band's values, keyed by the band number
    (so equal values in two bands give two keys). Signed, to fit a database BIGINT."""
    if not sig:
        return ()
    width = rows * 8
    if bands != BANDS or rows != ROWS:
        packed = _PACK(*sig) if len(sig) == PERMUTATIONS else struct.pack(f"<{len(sig)}Q", *sig)
        return tuple(
            int.from_bytes(blake2b(packed[band * width:(band + 1) * width], digest_size=8,
                                   key=_BAND_KEYS[band]).digest(), "little", signed=True)
            for band in range(bands))
    # Each band's keyed hasher copied, fed its band and read in C (map), not one Python step
    # per band (band_keys ~30 -> ~28 µs per clue).
    packed = _PACK_BANDED(*sig[:BANDS * ROWS])
    hashers = list(map(_copy, _BAND_HASHERS))
    _drain(map(_update, hashers, map(packed.__getitem__, _BAND_SLICES)))
    return _UNPACK_KEYS(b"".join(map(_digest, hashers)))


def estimated_jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    if not a or not b:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
