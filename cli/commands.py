"""`basegun`: identify photos from the command line, triage a seizure's folder, serve the API and the web app, or run
background jobs (`basegun worker`)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basegun.errors import BasegunError
from basegun.settings import Settings, get_settings

if TYPE_CHECKING:
    from basegun.answering.answer_models import Identification


def _row(path: Path, answer: Identification) -> str:
    """One line of the table: the photo, its typology, confidence and category, as the answer words them."""
    if not answer.firearm_detected or answer.typology is None or answer.legal is None:
        return f"{path}\tno firearm found"
    category = answer.legal.category_text.fr  # the answer-maker's words, "Indéterminée" below the gate
    unsure = "\tfirearm uncertain: take the photo again" if answer.firearm_presence == "uncertain" else ""
    return (
        f"{path}\t{answer.typology.label}\t{answer.confidence or 0:.1%} ({answer.confidence_level})"
        f"\tcatégorie : {category}{unsure}"
    )


def identify(args: argparse.Namespace) -> int:
    from basegun.service import Basegun

    service = Basegun(get_settings(), store=False)
    failures = 0
    for path in args.photos:
        try:
            answer = service.identify(path.read_bytes())
        except (BasegunError, OSError) as exc:
            failures += 1
            code = exc.code if isinstance(exc, BasegunError) else "unreadable_file"
            detail = exc.detail if isinstance(exc, BasegunError) else exc.strerror
            if args.json:
                print(json.dumps({"photo": str(path), "error": {"code": code, "detail": detail}}, ensure_ascii=False))
            else:
                print(f"{path}\terror: {code}: {detail}")
            continue
        if args.json:
            shown = answer.model_dump(mode="json", exclude={"id"})  # nothing is stored on this computer
            print(json.dumps({"photo": str(path), **shown}, ensure_ascii=False))
        else:
            print(_row(path, answer))
    return 1 if failures else 0


def triage(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from basegun.batch import Progress, triage_folder
    from basegun.batch.typed_fields import read_typed_fields
    from basegun.service import Basegun

    if not args.folder.is_dir():
        print(f"basegun: not a folder: {args.folder}", file=sys.stderr)
        return 2
    try:
        typed = read_typed_fields(args.fields) if args.fields else None
    except BasegunError as exc:
        print(f"basegun: {exc.code}: {exc.detail}", file=sys.stderr)
        return 2
    # One thread per core, each network run on one core: the fastest way measured (benchmarks/triage.py).
    settings = get_settings().model_copy(update={"intra_op_threads": 1})
    service = Basegun(settings, store=False)
    out = args.out or Path.cwd() / f"basegun-report-{args.folder.resolve().name}"
    shown, ended = 0.0, False

    def show(progress: Progress) -> None:
        nonlocal shown, ended
        finished = progress.photos_done == progress.photos_total
        if sys.stderr.isatty() and not ended and (finished or progress.elapsed - shown >= 0.2):
            shown, ended = progress.elapsed, finished
            print(f"\r{progress.line()}", end="\n" if finished else "", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(args.workers, thread_name_prefix="triage") as pool:
        try:
            report = triage_folder(service, args.folder, out, pool, show, args.lang, typed)
        except BasegunError as exc:
            print(f"basegun: {exc.code}: {exc.detail}", file=sys.stderr)
            return 2
    for row in report.summary:
        print(f"{row.label.text(args.lang)}\t{row.count}")
    for item in report.not_analysed:
        print(f"{item.name}\tnot analysed: {item.code}: {item.detail}")
    print(f"{len(report.weapons)} weapons; reports in {out}")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Load every model first, so that a missing or corrupt one stops here with one line, then serve."""
    import uvicorn

    from api import logs
    from api.app import create_app
    from api.memory import return_large_buffers
    from basegun.service import Basegun

    settings = get_settings()
    logs.configure(settings.log_level)
    os.umask(0o077)  # whatever else writes under the data folder (SQLite's journal) is the service user's only
    return_large_buffers()
    app = create_app(settings, Basegun(settings))
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, **server_limits(settings))
    return 0


def worker(args: argparse.Namespace) -> int:
    """Run background jobs only (batches, mail, the purge): no HTTP. With PostgreSQL, as many as wanted, anywhere;
    with SQLite, on the machine of the data folder (one process of those sharing it runs the jobs)."""
    from api import logs
    from api.memory import return_large_buffers
    from basegun.jobs.runtime import Jobs
    from basegun.runtime.metrics import serve_metrics
    from basegun.service import Basegun

    settings = get_settings()
    logs.configure(settings.log_level)
    os.umask(0o077)
    return_large_buffers()
    service = Basegun(settings)
    if args.metrics_port is not None:
        serve_metrics(args.metrics_port)  # network run times and batch photos analysed, for Prometheus
    jobs = Jobs(service, run_here=True, concurrency=args.concurrency, weapon_threads=settings.inference_workers)
    logging.getLogger("basegun.worker").info("worker ready", extra={"concurrency": args.concurrency})
    try:
        jobs.run_forever()
    finally:
        jobs.close()
        service.close()
    return 0


def server_limits(settings: Settings) -> dict[str, Any]:
    """uvicorn's limits from the settings; X-Forwarded-* are left to the app, which trusts only listed proxies."""
    return {
        "proxy_headers": False,
        "limit_concurrency": settings.limit_concurrency,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "h11_max_incomplete_event_size": 64 * 1024,  # request line and headers
    }


def migrate(_args: argparse.Namespace) -> int:
    """Prepare what replicas and workers share, once before they start (a one-shot job in deploy/): the database
    schema at its latest migration, and the object store checked writable."""
    from basegun.records.database import Database
    from basegun.storage.opening import open_object_store

    settings = get_settings()
    database = Database(settings.database)  # migrates to the latest revision, under a lock
    database.close()
    open_object_store(settings).check()
    print(f"database migrated: {database.url.render_as_string(hide_password=True)}")
    print(f"object store writable: {settings.object_store_url or settings.data_dir / 'objects'}")
    return 0


def export_dataset(args: argparse.Namespace) -> int:
    from basegun.records.dataset_export import export_from_settings

    manifest = export_from_settings(get_settings(), args.out)
    for label, count in manifest["per_label"].items():
        print(f"{label}\t{count}")
    print(f"{len(manifest['photos'])} photos; labelled folders and manifest.json in {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="basegun", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ident = commands.add_parser("identify", help="identify the firearm in each photo")
    ident.add_argument("photos", nargs="+", type=Path, metavar="PHOTO")
    ident.add_argument("--json", action="store_true", help="one JSON object per line")
    ident.set_defaults(run=identify)
    tri = commands.add_parser("triage", help="triage a seizure: one sub-folder (or lone photo) per weapon, 3 reports")
    tri.add_argument("folder", type=Path, metavar="FOLDER")
    tri.add_argument("--out", type=Path, metavar="REPORT_DIR", help="where to write report.csv, .json and .html")
    tri.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="weapons analysed at once (the cores)")
    tri.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the CSV and HTML reports")
    tri.add_argument(
        "--fields",
        type=Path,
        metavar="FIELDS.csv",
        help="maker, model, calibre, serial_number typed by weapon (a 'weapon' column): e.g. a report.csv corrected",
    )
    tri.set_defaults(run=triage)
    exp = commands.add_parser("export-dataset", help="corrected photos and expert answers as labelled folders")
    exp.add_argument("--out", type=Path, required=True, metavar="DIR", help="a new folder for `basegun-train fit`")
    exp.set_defaults(run=export_dataset)
    mig = commands.add_parser("migrate", help="migrate the database and check the object store, before a rollout")
    mig.set_defaults(run=migrate)
    srv = commands.add_parser("serve", help="serve the API and the web app")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000)
    srv.set_defaults(run=serve)
    wrk = commands.add_parser("worker", help="run background jobs only (batches, mail, the purge)")
    wrk.add_argument("--concurrency", type=int, default=1, help="batches run at once by this process (PostgreSQL)")
    wrk.add_argument("--metrics-port", type=int, metavar="PORT", help="serve /metrics for Prometheus on this port")
    wrk.set_defaults(run=worker)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except BasegunError as exc:  # a model missing or corrupt: one clear line
        print(f"basegun: {exc.detail}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
