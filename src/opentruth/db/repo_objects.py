"""Data objects: ingest, preparation, progress, and the results of consolidation.

Ingest is idempotent by (job, dataset object id), so an interrupted ingest resumes without
duplicates; results are idempotent by object state, so a consolidation step that ran twice counts
once. Leasing objects to workers is in :mod:`opentruth.db.repo_tasks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from opentruth.db.models import Assignment, AssignmentState, DataObject, ObjectState, Worker
from opentruth.db.repo_jobs import add_label_counts
from opentruth.db.repo_tasks import end_leases
from opentruth.db.repository import insert_ignoring_conflicts
from opentruth.db.types import utcnow

__all__ = [
    "TERMINAL_OBJECT_STATES",
    "ObjectResult",
    "count_objects_by_state",
    "finish_objects",
    "insert_data_objects",
    "iter_objects",
    "mark_objects_ready",
    "next_ingest_index",
    "objects_to_consolidate",
    "submitted_answers",
]

TERMINAL_OBJECT_STATES = frozenset({ObjectState.CONSOLIDATED, ObjectState.FAILED, ObjectState.EXPIRED})
_OBJECTS = cast(Table, DataObject.__table__)
#: Dataset object ids per ``IN (...)`` of :func:`finish_objects` (well under any bind limit).
_FINISH_CHUNK = 500


# --------------------------------------------------------------------------------------------
# Ingest
# --------------------------------------------------------------------------------------------


def insert_data_objects(
    session: Session,
    job_id: int,
    lines: Sequence[tuple[int, str]],
    *,
    state: ObjectState = ObjectState.PENDING,
    task_inputs: Sequence[dict[str, Any] | None] | None = None,
    now: datetime | None = None,
) -> int:
    """Store a batch of ``(dataset_object_id, manifest line)`` pairs; return how many are new.

    Idempotent: a pair already stored is skipped, so an ingest interrupted after committing some
    batches can re-read the manifest (or start at :func:`next_ingest_index`) without creating
    duplicates or counting them twice in ``Unlabeled``. Use ``state=preparing`` when a
    pre-annotation function must run before workers see the object.
    """
    if not lines:
        return 0
    if task_inputs is not None and len(task_inputs) != len(lines):
        raise ValueError("task_inputs must have one entry per line")
    now = now or utcnow()
    rows = [
        {
            "job_id": job_id,
            "dataset_object_id": index,
            "source": source,
            "state": state.value,
            "task_input": task_inputs[i] if task_inputs is not None else None,
            "submitted_count": 0,
            "declined_count": 0,
            "leased_count": 0,
            "created_at": now,
            "updated_at": now,
        }
        for i, (index, source) in enumerate(lines)
    ]
    inserted = insert_ignoring_conflicts(
        session, _OBJECTS, rows, conflict_columns=("job_id", "dataset_object_id")
    )
    if inserted:
        add_label_counts(session, job_id, unlabeled=inserted, now=now)
    return inserted


def next_ingest_index(session: Session, job_id: int) -> int:
    """Return the dataset object id to ingest next: one past the highest stored, or 0."""
    highest = session.scalar(
        select(func.max(DataObject.dataset_object_id)).where(DataObject.job_id == job_id)
    )
    return 0 if highest is None else int(highest) + 1


def mark_objects_ready(
    session: Session,
    job_id: int,
    task_inputs: Sequence[tuple[int, dict[str, Any]]],
    *,
    now: datetime | None = None,
) -> int:
    """Move ``preparing`` objects to ``pending`` with their task input; return how many moved."""
    now = now or utcnow()
    moved = 0
    for index, task_input in task_inputs:
        result = session.execute(
            update(DataObject)
            .where(
                DataObject.job_id == job_id,
                DataObject.dataset_object_id == index,
                DataObject.state == ObjectState.PREPARING.value,
            )
            .values(state=ObjectState.PENDING.value, task_input=task_input, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        moved += getattr(result, "rowcount", 0)
    return moved


def count_objects_by_state(session: Session, job_id: int) -> dict[str, int]:
    """Return ``{state: count}`` for the job's objects (states with no object are absent)."""
    rows = session.execute(
        select(DataObject.state, func.count()).where(DataObject.job_id == job_id).group_by(DataObject.state)
    )
    return {state: int(count) for state, count in rows}


def has_objects(
    session: Session, job_id: int, *, states: Iterable[str] = (), other_than: Iterable[str] = ()
) -> bool:
    """Whether the job has an object in one of ``states`` (or in a state not in ``other_than``).

    An ``EXISTS`` on the (job, state) index stops at the first such object, where counting
    every object by state would read them all: the reconciler asks every second, for every
    job in progress, a 100,000-object one included.
    """
    where = [DataObject.job_id == job_id]
    if states:
        where.append(DataObject.state.in_(list(states)))
    if other_than:
        where.append(DataObject.state.not_in(list(other_than)))
    return bool(session.scalar(select(exists().where(*where))))


def iter_objects(session: Session, job_id: int, *, batch_size: int = 1000) -> Iterator[DataObject]:
    """Yield the job's objects in dataset-object-id order, a batch at a time (bounded memory).

    This is what writing ``output.manifest`` needs: every line in input order, with the
    consolidated line where there is one and the source line otherwise.
    """
    after = -1
    while True:
        batch = list(
            session.scalars(
                select(DataObject)
                .where(DataObject.job_id == job_id, DataObject.dataset_object_id > after)
                .order_by(DataObject.dataset_object_id)
                .limit(batch_size)
            )
        )
        if not batch:
            return
        yield from batch
        after = batch[-1].dataset_object_id
        session.expunge_all()


# --------------------------------------------------------------------------------------------
# Consolidation
# --------------------------------------------------------------------------------------------


def objects_to_consolidate(session: Session, job_id: int, *, limit: int = 500) -> list[DataObject]:
    """Return up to ``limit`` ``annotated`` objects of the job, in dataset-object-id order."""
    return list(
        session.scalars(
            select(DataObject)
            .where(DataObject.job_id == job_id, DataObject.state == ObjectState.ANNOTATED.value)
            .order_by(DataObject.dataset_object_id)
            .limit(limit)
        )
    )


def submitted_answers(session: Session, object_ids: Sequence[int]) -> list[tuple[Assignment, Worker]]:
    """Return the submitted assignments of those objects with their workers, in submit order."""
    rows = session.execute(
        select(Assignment, Worker)
        .join(Worker, Worker.id == Assignment.worker_id)
        .where(
            Assignment.object_id.in_(list(object_ids)), Assignment.state == AssignmentState.SUBMITTED.value
        )
        .order_by(Assignment.object_id, Assignment.submitted_at, Assignment.id)
    )
    return [(a, w) for a, w in rows]


@dataclass(frozen=True)
class ObjectResult:
    """The end of one object: ``consolidated`` with its output line, or ``failed``/``expired``."""

    dataset_object_id: int
    state: ObjectState
    output_line: str | None = None
    failure_reason: str | None = None
    #: For ``consolidated``: labeled by automated labeling (MachineLabeled) instead of humans.
    machine_labeled: bool = False


def finish_objects(
    session: Session, job_id: int, results: Sequence[ObjectResult], *, now: datetime | None = None
) -> int:
    """Record the final state of objects and update LabelCounters; return how many changed.

    Idempotent: an object already in a terminal state is left alone and not counted again, so a
    consolidation step that crashed after committing can safely run again. Open leases on the
    finished objects end.
    """
    now = now or utcnow()
    wanted: dict[int, ObjectResult] = {}
    for result in results:
        if result.state not in TERMINAL_OBJECT_STATES:
            raise ValueError(f"finish_objects needs a terminal state, got {result.state}")
        if result.state is ObjectState.CONSOLIDATED and result.output_line is None:
            raise ValueError(
                f"object {result.dataset_object_id}: a consolidated object needs its output line"
            )
        # A repeated object keeps its first result: the one-by-one version finished it with
        # that one and then found it terminal.
        wanted.setdefault(result.dataset_object_id, result)
    terminal = [s.value for s in TERMINAL_OBJECT_STATES]
    finished: list[tuple[int, ObjectResult]] = []
    ids = list(wanted)
    for start in range(0, len(ids), _FINISH_CHUNK):
        # Lock the open objects among the batch (FOR UPDATE, in id order so that concurrent
        # steps cannot deadlock): on PostgreSQL a second step blocks here and, once the first
        # commits, re-checks the state and finds them terminal, so nothing is counted twice.
        # SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE writers are serialised already.
        rows = session.execute(
            select(_OBJECTS.c.id, _OBJECTS.c.dataset_object_id)
            .where(
                _OBJECTS.c.job_id == job_id,
                _OBJECTS.c.dataset_object_id.in_(ids[start : start + _FINISH_CHUNK]),
                _OBJECTS.c.state.not_in(terminal),
            )
            .order_by(_OBJECTS.c.id)
            .with_for_update()
        ).all()
        finished.extend((row.id, wanted[row.dataset_object_id]) for row in rows)
    if not finished:
        return 0
    # One statement run with many parameter sets (executemany), instead of one round trip and
    # one RETURNING per object while the write lock is held.
    session.execute(
        update(_OBJECTS)
        .where(_OBJECTS.c.id == bindparam("b_id"))  # locked above: still open
        .values(
            state=bindparam("b_state"),
            output_line=bindparam("b_output_line"),
            failure_reason=bindparam("b_failure_reason"),
            updated_at=now,
        ),
        [
            {
                "b_id": object_id,
                "b_state": r.state.value,
                "b_output_line": r.output_line,
                "b_failure_reason": r.failure_reason,
            }
            for object_id, r in finished
        ],
    )
    human = sum(1 for _, r in finished if r.state is ObjectState.CONSOLIDATED and not r.machine_labeled)
    machine = sum(1 for _, r in finished if r.state is ObjectState.CONSOLIDATED and r.machine_labeled)
    failed = len(finished) - human - machine
    finished_ids = [object_id for object_id, _ in finished]
    end_leases(session, [Assignment.object_id.in_(finished_ids)], now)
    add_label_counts(
        session,
        job_id,
        human=human,
        machine=machine,
        failed=failed,
        unlabeled=-len(finished_ids),
        now=now,
    )
    return len(finished_ids)
