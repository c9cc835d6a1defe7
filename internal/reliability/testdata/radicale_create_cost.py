"""Where a Radicale create's time goes, without HTTP (docs/PERFORMANCE.md, "The floor").

Fills one calendar through Radicale's own storage API to 2,000, 4,500 and 7,000 items and
prints, at each size, the CPU time of has_uid for a UID the calendar does not hold (what every
PUT of a new resource runs under the storage lock) and of one create's two steps as do_PUT makes
them: has_uid, then upload (the item and its cache entry written, the item cache and the sync
history scanned). Run it with Debian's interpreter, which has Debian's radicale package:

    /usr/bin/python3 internal/reliability/testdata/radicale_create_cost.py

It takes a few minutes (the filling is itself quadratic) and removes its folder at the end.
"""
import shutil
import tempfile
import time

import radicale.item as ri
from radicale import config, storage


def vevent(uid, i):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
            "DTSTAMP:20260101T000000Z\r\nDTSTART:20260101T%02d0000Z\r\nDTEND:20260101T%02d3000Z\r\n"
            "SUMMARY:Event %d\r\nDESCRIPTION:written by another client\\, keep me\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n") % (uid, i % 24, i % 24, i)


def item(path, uid, i):
    vobj, = ri.read_components(vevent(uid, i))
    it = ri.Item(collection_path=path.strip("/"), vobject_item=vobj)
    it.prepare()
    return it


def main():
    folder = tempfile.mkdtemp(prefix="radicale-create-cost-")
    try:
        conf = config.load()
        conf.update({"storage": {"filesystem_folder": folder}}, "bench", privileged=True)
        st = storage.load(conf)
        path = "/alice/cal/"
        with st.acquire_lock("w"):
            st.create_collection("/alice/")
            st.create_collection(path, props={"tag": "VCALENDAR"})
        n = 0
        for target in (2000, 4500, 7000):
            with st.acquire_lock("w"):
                col = next(iter(st.discover(path)))
                while n < target:
                    col.upload("u%d.ics" % n, item(path, "u%d@x" % n, n))
                    n += 1
            with st.acquire_lock("r"):
                col = next(iter(st.discover(path)))
                col.has_uid("warm@x")
                c0 = time.process_time()
                for _ in range(5):
                    col.has_uid("missing@x")
                has_uid = (time.process_time() - c0) / 5
            with st.acquire_lock("w"):
                col = next(iter(st.discover(path)))
                new = item(path, "new%d@x" % n, n)
                c0 = time.process_time()
                assert not col.has_uid(new.uid)
                c1 = time.process_time()
                col.upload("new%d.ics" % n, new)
                c2 = time.process_time()
            n += 1
            print("items=%d has_uid=%.1fms create: has_uid=%.1fms upload=%.1fms" % (
                target, has_uid * 1000, (c1 - c0) * 1000, (c2 - c1) * 1000), flush=True)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
