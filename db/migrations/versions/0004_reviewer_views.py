"""reviewer views (review_queue, pair_details, event_summary) and queue indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

The views are plain, portable SQL (joins, GROUP BY, COUNT, COALESCE, UNION) so that SQLite and
PostgreSQL get the same definitions; docs/schema.md documents their columns.

SQLite caution for later migrations: a batch operation that *recreates* one of the tables the views
read (claim_pairs, claims, articles, events) renames a temporary table over the original, and
SQLite refuses the rename while a view names the dropped table ("error in view ...: no such table").
Such a migration must drop the views first and recreate them afterwards (`drop_views()` /
`create_views()` below show the statements; copy them, migrations must not import each other).
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# Pending pairs with both statements, speakers, outlets, URLs and the score: the reviewers' queue.
REVIEW_QUEUE = """
CREATE VIEW review_queue AS
SELECT
    p.id AS pair_id,
    p.score AS score,
    p.event_id AS event_id,
    e.title AS event_title,
    ca.text AS statement_a,
    ca.speaker AS speaker_a,
    aa.outlet AS outlet_a,
    aa.url AS url_a,
    aa.published_at AS published_at_a,
    cb.text AS statement_b,
    cb.speaker AS speaker_b,
    ab.outlet AS outlet_b,
    ab.url AS url_b,
    ab.published_at AS published_at_b,
    p.created_at AS created_at
FROM claim_pairs p
JOIN claims ca ON ca.id = p.claim_a_id
JOIN articles aa ON aa.id = ca.article_id
JOIN claims cb ON cb.id = p.claim_b_id
JOIN articles ab ON ab.id = cb.article_id
LEFT JOIN events e ON e.id = p.event_id
WHERE p.status = 'pending'
"""

# Every pair, whatever its status, with both sides, the verdict and the detector's reasons.
PAIR_DETAILS = """
CREATE VIEW pair_details AS
SELECT
    p.id AS pair_id,
    p.status AS status,
    p.score AS score,
    p.reasons AS reasons,
    p.detector_version AS detector_version,
    p.event_id AS event_id,
    e.title AS event_title,
    p.claim_a_id AS claim_a_id,
    ca.text AS statement_a,
    ca.speaker AS speaker_a,
    ca.speaker_kind AS speaker_kind_a,
    ca.context AS context_a,
    aa.id AS article_a_id,
    aa.outlet AS outlet_a,
    aa.url AS url_a,
    aa.title AS article_title_a,
    aa.published_at AS published_at_a,
    p.claim_b_id AS claim_b_id,
    cb.text AS statement_b,
    cb.speaker AS speaker_b,
    cb.speaker_kind AS speaker_kind_b,
    cb.context AS context_b,
    ab.id AS article_b_id,
    ab.outlet AS outlet_b,
    ab.url AS url_b,
    ab.title AS article_title_b,
    ab.published_at AS published_at_b,
    p.reviewer AS reviewer,
    p.note AS note,
    p.reviewed_at AS reviewed_at,
    p.created_at AS created_at
FROM claim_pairs p
JOIN claims ca ON ca.id = p.claim_a_id
JOIN articles aa ON aa.id = ca.article_id
JOIN claims cb ON cb.id = p.claim_b_id
JOIN articles ab ON ab.id = cb.article_id
LEFT JOIN events e ON e.id = p.event_id
"""

# One row per (event, outlet that has articles in it): article count, and the number of the
# event's pairs with at least one side from that outlet (a pair between two outlets counts for both).
EVENT_SUMMARY = """
CREATE VIEW event_summary AS
SELECT
    e.id AS event_id,
    e.title AS title,
    e.first_published_at AS first_published_at,
    e.last_published_at AS last_published_at,
    ac.outlet AS outlet,
    ac.article_count AS article_count,
    COALESCE(pc.pair_count, 0) AS pair_count
FROM events e
JOIN (
    SELECT event_id, outlet, COUNT(*) AS article_count
    FROM articles
    WHERE event_id IS NOT NULL
    GROUP BY event_id, outlet
) ac ON ac.event_id = e.id
LEFT JOIN (
    SELECT po.event_id AS event_id, po.outlet AS outlet, COUNT(*) AS pair_count
    FROM (
        SELECT p.id AS pair_id, p.event_id AS event_id, a.outlet AS outlet
        FROM claim_pairs p
        JOIN claims c ON c.id = p.claim_a_id
        JOIN articles a ON a.id = c.article_id
        WHERE p.event_id IS NOT NULL
        UNION
        SELECT p.id AS pair_id, p.event_id AS event_id, a.outlet AS outlet
        FROM claim_pairs p
        JOIN claims c ON c.id = p.claim_b_id
        JOIN articles a ON a.id = c.article_id
        WHERE p.event_id IS NOT NULL
    ) po
    GROUP BY po.event_id, po.outlet
) pc ON pc.event_id = ac.event_id AND pc.outlet = ac.outlet
"""

VIEWS = {"review_queue": REVIEW_QUEUE, "pair_details": PAIR_DETAILS, "event_summary": EVENT_SUMMARY}


def create_views() -> None:
    for sql in VIEWS.values():
        op.execute(sql)


def drop_views() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def upgrade() -> None:
    # Queue orders: highest score first (status, score, id) and newest first (status, created_at,
    # id) with keyset pagination on the trailing id; (created_at, id) for unfiltered listing.
    with op.batch_alter_table('claim_pairs', schema=None) as batch_op:
        batch_op.create_index('ix_claim_pairs_status_score_id', ['status', 'score', 'id'], unique=False)
        batch_op.create_index('ix_claim_pairs_status_created_at_id', ['status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_claim_pairs_created_at_id', ['created_at', 'id'], unique=False)
        # One event's queue: without it SQLite walks the whole (status, score) index instead.
        batch_op.create_index('ix_claim_pairs_event_id_status_score', ['event_id', 'status', 'score', 'id'], unique=False)
    create_views()


def downgrade() -> None:
    drop_views()
    with op.batch_alter_table('claim_pairs', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_pairs_event_id_status_score')
        batch_op.drop_index('ix_claim_pairs_created_at_id')
        batch_op.drop_index('ix_claim_pairs_status_created_at_id')
        batch_op.drop_index('ix_claim_pairs_status_score_id')
