"""Request and call ids: distinct across threads and across forked workers."""

import os
import threading

from gateway.ids import new_id


def test_ids_drawn_by_many_threads_at_once_are_all_distinct():
    drawn: list[list[str]] = [[] for _ in range(4)]

    def draw(mine: list[str]) -> None:
        mine.extend(new_id() for _ in range(5000))

    threads = [threading.Thread(target=draw, args=(mine,)) for mine in drawn]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every = [value for mine in drawn for value in mine]
    assert len(set(every)) == len(every) == 20000


def test_a_forked_worker_draws_ids_its_parent_never_does():
    before = new_id()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child, as a gunicorn worker after fork: same counter, same prefix
        os.write(writer, "\n".join(new_id() for _ in range(100)).encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(pid, 0)
    with os.fdopen(reader) as pipe:
        theirs = set(pipe.read().split("\n"))
    ours = {before, *(new_id() for _ in range(100))}

    assert len(theirs) == 100 and not theirs & ours
