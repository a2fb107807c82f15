"""gunicorn settings of the gateway, from the environment."""

import os

bind = "{}:{}".format(os.environ.get("CRM_GATEWAY_HOST", "127.0.0.1"),
                        os.environ.get("CRM_GATEWAY_PORT", "8000"))
workers = int(os.environ.get("CRM_GATEWAY_WORKERS", "2"))
# Threads, not greenlets: the RPC client runs its own I/O thread per worker process.
worker_class = "gthread"
threads = int(os.environ.get("CRM_GATEWAY_THREADS", "8"))
timeout = 120
graceful_timeout = 20
keepalive = 5
accesslog = "-" if os.environ.get("CRM_ACCESS_LOG", "1") == "1" else None
errorlog = "-"
# The app is built in each worker after fork, so each gets its own broker connection.
preload_app = False


# Metrics of all workers together: each writes its samples under this folder, which is
# emptied when the server starts (prometheus_client's multiprocess mode).
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(os.environ.get("CRM_DATA_DIR") or "./var", "prometheus-gateway"))


def on_starting(server):
    import shutil

    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
