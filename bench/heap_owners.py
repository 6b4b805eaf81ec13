#!/usr/bin/env python3
"""Who keeps a held request's heap: compares two heap dumps and prints, per unit (a held poll, an
open stream), the bytes of the objects each owner keeps, the owner being the first field of a
non-JDK class up the object's chain of referrers (a request's attribute map in Jetty, a header
map in Spring, ...).

usage: bench/heap_owners.py BEFORE.hprof AFTER.hprof UNITS [rows]
  jcmd <pid> GC.heap_dump /tmp/before.hprof; (hold 2,000 polls); jcmd <pid> GC.heap_dump /tmp/after.hprof
  bench/heap_owners.py /tmp/before.hprof /tmp/after.hprof 2000

Sizes are those of the dump's layout (8-byte references, 16-byte headers), about 1.4 times the
live heap's with compressed references; the frames a virtual thread's stack chunk holds are not
fields in a dump, so what only a parked thread's stack keeps shows with no owner ("None"). For the
heap itself, compare `jcmd <pid> GC.class_histogram` before and after.
"""
import collections
import mmap
import struct
import sys

SIZES = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
JDK = ('java.', 'jdk.', 'sun.', '[', 'primitive')
U8, U4, U2 = struct.Struct('>Q'), struct.Struct('>I'), struct.Struct('>H')
ROOT_LENGTHS = {0xFF: 8, 0x01: 16, 0x02: 16, 0x03: 16, 0x04: 12, 0x05: 8, 0x06: 12, 0x07: 8, 0x08: 16}
REFERENCE = 2


class Dump:
    """The objects of an HPROF dump: each one's class, size and first few referrers."""

    def __init__(self, path):
        with open(path, 'rb') as f:
            self.m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self.strings, self.class_names, self.classes = {}, {}, {}
        self.kind, self.size, self.referrers, self.instances, self.layouts = {}, {}, {}, [], {}
        p = self.m.find(b'\0') + 1
        if U4.unpack_from(self.m, p)[0] != 8:
            sys.exit(path + ': only dumps with 8-byte ids are read')
        p += 12
        while p < len(self.m):
            tag, length = self.m[p], U4.unpack_from(self.m, p + 5)[0]
            body = p + 9
            if tag == 0x01:
                self.strings[U8.unpack_from(self.m, body)[0]] = self.m[body + 8:body + length].decode('utf8', 'replace')
            elif tag == 0x02:
                self.class_names[U8.unpack_from(self.m, body + 4)[0]] = U8.unpack_from(self.m, body + 16)[0]
            elif tag in (0x0C, 0x1C):
                self.read_heap(body, body + length)
            p = body + length
        self.read_instance_fields()

    def refer(self, target, holder, field):
        if target:
            held_by = self.referrers.setdefault(target, [])
            if len(held_by) < 4:
                held_by.append((holder, field))

    def read_heap(self, p, end):
        m = self.m
        while p < end:
            tag = m[p]
            p += 1
            if tag in ROOT_LENGTHS:
                p += ROOT_LENGTHS[tag]
            elif tag == 0x20:  # a class: its constants and statics skipped, its instance fields kept
                cid, parent = U8.unpack_from(m, p)[0], U8.unpack_from(m, p + 12)[0]
                q = p + 64
                constants = U2.unpack_from(m, q)[0]
                q += 2
                for _ in range(constants):
                    q += 3 + SIZES[m[q + 2]]
                statics = U2.unpack_from(m, q)[0]
                q += 2
                for _ in range(statics):
                    q += 9 + SIZES[m[q + 8]]
                count = U2.unpack_from(m, q)[0]
                q += 2
                fields = []
                for _ in range(count):
                    fields.append((U8.unpack_from(m, q)[0], m[q + 8]))
                    q += 9
                self.classes[cid] = (parent, fields)
                p = q
            elif tag == 0x21:  # an instance
                oid, cid, n = U8.unpack_from(m, p)[0], U8.unpack_from(m, p + 12)[0], U4.unpack_from(m, p + 20)[0]
                self.kind[oid], self.size[oid] = cid, n + 16
                self.instances.append((oid, cid, p + 24))
                p += 24 + n
            elif tag == 0x22:  # an array of references
                oid, n, cid = U8.unpack_from(m, p)[0], U4.unpack_from(m, p + 12)[0], U8.unpack_from(m, p + 16)[0]
                self.kind[oid], self.size[oid] = cid, 16 + 8 * n
                for i in range(n):
                    self.refer(U8.unpack_from(m, p + 24 + 8 * i)[0], oid, None)
                p += 24 + 8 * n
            elif tag == 0x23:  # an array of primitives
                oid, n, t = U8.unpack_from(m, p)[0], U4.unpack_from(m, p + 12)[0], m[p + 16]
                self.kind[oid], self.size[oid] = ('primitive', t), 16 + n * SIZES[t]
                p += 17 + n * SIZES[t]
            else:
                sys.exit('unknown heap record %#x at %d' % (tag, p))

    def fields_of(self, cid):
        cache = self.layouts
        if cid not in cache:
            fields, c = [], cid
            while c in self.classes:
                parent, own = self.classes[c]
                fields.extend(own)
                c = parent
            cache[cid] = fields
        return cache[cid]

    def read_instance_fields(self):
        for oid, cid, q in self.instances:
            for name, kind in self.fields_of(cid):
                if kind == REFERENCE:
                    self.refer(U8.unpack_from(self.m, q)[0], oid, name)
                q += SIZES[kind]

    def name(self, kind):
        if isinstance(kind, tuple):
            return 'primitive[]'
        return self.strings.get(self.class_names.get(kind), '?').replace('/', '.')

    def owner(self, oid):
        """The first non-JDK class's field up the chain of first referrers, or None."""
        seen = {oid}
        for _ in range(16):
            holders = [h for h in self.referrers.get(oid, ()) if h[0] not in seen]
            if not holders:
                return None
            holder, field = holders[0]
            name = self.name(self.kind.get(holder))
            if not name.startswith(JDK):
                return name + '.' + (self.strings.get(field, '?') if field else '[]')
            seen.add(holder)
            oid = holder
        return None

    def bytes_by_owner(self):
        owned = collections.Counter()
        for oid in self.kind:
            owned[self.owner(oid)] += self.size[oid]
        return owned


def main():
    before, after, units = Dump(sys.argv[1]).bytes_by_owner(), Dump(sys.argv[2]).bytes_by_owner(), int(sys.argv[3])
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    grown = collections.Counter({k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)})
    print(f'{sum(grown.values()) / units:,.0f} bytes per unit in all (dump layout)')
    for owner, size in grown.most_common(rows):
        print(f'{size / units:8,.0f}  {owner}')


if __name__ == '__main__':
    main()
