#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# store_dump.py - edit an mdb_dump of a tagih store (format 2: value = payload + CRC-32C of key and payload) and keep its checksums right.
#
# Tests plant bytes that today's input checks refuse (a name that is not
# UTF-8, a control character) as an older tagih could have written them:
#   mdb_dump -s subs DB >d; (edit payloads in d); store_dump.py reframe d
#   mdb_load -s subs -f d DB
#   store_dump.py replace d OLD NEW   # bytes in keys and payloads, reframed
# "reframe" recomputes the checksum of every record from its key and
# payload (the value less its last 4 bytes), so only planted bytes differ.
import os
import sys

# CRC-32C (Castagnoli, reflected 0x82f63b78), as lib/crc32c.c
TAB = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82f63b78 if c & 1 else c >> 1
    TAB.append(c)


def crc32c(data, crc=0):
    crc ^= 0xffffffff
    for b in data:
        crc = TAB[(crc ^ b) & 0xff] ^ (crc >> 8)
    return crc ^ 0xffffffff


def records(lines):
    """Index pairs (key line, value line) of every data section."""
    i = 0
    while i < len(lines):
        if lines[i] == 'HEADER=END':
            i += 1
            while i < len(lines) and lines[i] != 'DATA=END':
                yield i, i + 1
                i += 2
        i += 1


def frame(key, payload):
    return payload + crc32c(key + payload).to_bytes(4, 'big')


def main():
    mode, path = sys.argv[1], sys.argv[2]
    lines = open(path).read().split('\n')
    old = new = None
    if mode == 'replace':
        old, new = os.fsencode(sys.argv[3]), os.fsencode(sys.argv[4])
    elif mode != 'reframe':
        sys.exit('usage: store_dump.py reframe|replace DUMP [OLD NEW]')
    n = 0
    for ki, vi in records(lines):
        key = bytes.fromhex(lines[ki].strip())
        payload = bytes.fromhex(lines[vi].strip())[:-4]
        if old is not None:
            k2, p2 = key.replace(old, new), payload.replace(old, new)
            n += (k2 != key) + (p2 != payload)
            key, payload = k2, p2
        lines[ki] = ' ' + key.hex()
        lines[vi] = ' ' + frame(key, payload).hex()
    open(path, 'w').write('\n'.join(lines))
    if old is not None and not n:
        sys.exit('store_dump.py: %r not found' % old)


main()
