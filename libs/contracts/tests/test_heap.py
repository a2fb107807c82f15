"""The start-up heap frozen once, out of the collector's walks; later garbage still freed."""

import subprocess
import sys
import textwrap


def test_start_up_objects_are_frozen_once_and_later_cycles_still_collected():
    # A fresh interpreter: freezing is once per process, and this one may have done it.
    script = textwrap.dedent("""
        import gc, weakref
        from crm_contracts.heap import freeze_startup_heap

        class Node:
            pass

        kept = Node(); kept.me = kept  # lives through start-up, as a mapper does
        freeze_startup_heap()
        frozen = gc.get_freeze_count()
        walked = any(o is kept for o in gc.get_objects())

        later = Node(); later.me = later  # a request's cycle, made after start-up
        gone = weakref.ref(later)
        del later
        gc.collect()

        freeze_startup_heap()  # a second app or container in the same process
        print(frozen > 0, walked, gone() is None, gc.get_freeze_count() == frozen)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "False", "True", "True"]
