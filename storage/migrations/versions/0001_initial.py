"""Initial schema: every table of Gempur's storage.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("form", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), server_default="", nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_prompt_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idle_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("draft_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_session")),
        sa.UniqueConstraint(
            "chat_id",
            "user_id",
            "form",
            "subject",
            name=op.f("uq_form_session_chat_id_user_id_form_subject"),
        ),
    )
    op.create_index(
        "ix_form_session_chat_id_status", "form_session", ["chat_id", "status"], unique=False
    )

    op.create_table(
        "leader_lease",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leader_lease")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("full_name", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("telegram_language_code", sa.String(length=16), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reachable", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("menu_state", sa.String(length=128), nullable=True),
        sa.Column("selected_koperasi_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["selected_koperasi_id"],
            ["koperasi.id"],
            name=op.f("fk_person_selected_koperasi_id_koperasi"),
            ondelete="SET NULL",
            use_alter=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_person_telegram_user_id")),
    )
    op.create_table(
        "processed_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_update")),
    )
    op.create_index(
        op.f("ix_processed_update_processed_at"),
        "processed_update",
        ["processed_at"],
        unique=False,
    )

    op.create_table(
        "rollup_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tahun_buku", sa.Integer(), nullable=False),
        sa.Column("cutoff", sa.String(length=32), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kecamatan", sa.String(length=64), nullable=True),
        sa.Column("segmen", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_snapshot")),
    )
    op.create_index(
        "ix_rollup_snapshot_tahun_buku_cutoff",
        "rollup_snapshot",
        ["tahun_buku", "cutoff"],
        unique=False,
    )

    op.create_table(
        "scheduler_run",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("job", "run_date", name=op.f("pk_scheduler_run")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_person_id"],
            ["person.id"],
            name=op.f("fk_audit_log_actor_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(
        "ix_audit_log_actor_person_id_at", "audit_log", ["actor_person_id", "at"], unique=False
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index(
        "ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"], unique=False
    )

    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("segment", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media_file_id", sa.String(length=255), nullable=True),
        sa.Column("media_kind", sa.String(length=16), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="draft", nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["person.id"],
            name=op.f("fk_broadcast_created_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast")),
    )
    op.create_index(
        "ix_broadcast_status_scheduled_at", "broadcast", ["status", "scheduled_at"], unique=False
    )

    op.create_table(
        "join_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("decided_by_person_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_person_id"],
            ["person.id"],
            name=op.f("fk_join_request_decided_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_request")),
    )
    op.create_index(
        "ix_join_request_status_created_at", "join_request", ["status", "created_at"], unique=False
    )
    op.create_index(
        "ix_join_request_telegram_user_id", "join_request", ["telegram_user_id"], unique=False
    )

    op.create_table(
        "koperasi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nama", sa.String(length=255), nullable=False),
        sa.Column("bentuk", sa.String(length=16), nullable=True),
        sa.Column("jenis", sa.String(length=32), nullable=True),
        sa.Column("kelompok", sa.String(length=32), nullable=True),
        sa.Column("pola", sa.String(length=16), nullable=True),
        sa.Column("no_badan_hukum", sa.String(length=100), nullable=True),
        sa.Column("tgl_badan_hukum", sa.Date(), nullable=True),
        sa.Column("nik_koperasi", sa.String(length=64), nullable=True),
        sa.Column("nik_berlaku_sampai", sa.Date(), nullable=True),
        sa.Column("nib", sa.String(length=32), nullable=True),
        sa.Column("alamat", sa.Text(), nullable=True),
        sa.Column("desa", sa.String(length=100), nullable=True),
        sa.Column("kecamatan", sa.String(length=64), nullable=True),
        sa.Column("anggota_pria", sa.Integer(), nullable=True),
        sa.Column("anggota_wanita", sa.Integer(), nullable=True),
        sa.Column("anggota_per_tanggal", sa.Date(), nullable=True),
        sa.Column("fye_month", sa.SmallInteger(), server_default="12", nullable=False),
        sa.Column("fye_day", sa.SmallInteger(), server_default="31", nullable=False),
        sa.Column("modal_sendiri", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("modal_luar", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("aset", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("volume_usaha", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("shu", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("wajib_audit", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("predikat_kesehatan", sa.String(length=32), nullable=True),
        sa.Column("predikat_tahun", sa.Integer(), nullable=True),
        sa.Column("status_aktivitas", sa.String(length=32), nullable=True),
        sa.Column("segmen", sa.String(length=16), server_default="reguler", nullable=False),
        sa.Column("quorum_rule", sa.String(length=32), server_default="> 1/2", nullable=False),
        sa.Column("petugas_id", sa.Integer(), nullable=True),
        sa.Column("sumber_data", sa.String(length=100), nullable=True),
        sa.Column("tahap", sa.String(length=32), server_default="BELUM_MULAI", nullable=False),
        sa.Column("current_rat_cycle_id", sa.Integer(), nullable=True),
        sa.Column(
            "flag_terlambat_target", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("flag_terlambat_lapor", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("flag_lewat_batas_uu", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("flag_tidak_rat", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_rat_date", sa.Date(), nullable=True),
        sa.Column("last_rat_tahun_buku", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["current_rat_cycle_id"],
            ["rat_cycle.id"],
            name=op.f("fk_koperasi_current_rat_cycle_id_rat_cycle"),
            ondelete="SET NULL",
            use_alter=True,
        ),
        sa.ForeignKeyConstraint(
            ["petugas_id"],
            ["person.id"],
            name=op.f("fk_koperasi_petugas_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_koperasi")),
        sa.UniqueConstraint("nik_koperasi", name=op.f("uq_koperasi_nik_koperasi")),
        sa.UniqueConstraint("no_badan_hukum", name=op.f("uq_koperasi_no_badan_hukum")),
    )
    op.create_index(op.f("ix_koperasi_kecamatan"), "koperasi", ["kecamatan"], unique=False)
    op.create_index(op.f("ix_koperasi_petugas_id"), "koperasi", ["petugas_id"], unique=False)
    op.create_index(op.f("ix_koperasi_segmen"), "koperasi", ["segmen"], unique=False)
    op.create_index(
        op.f("ix_koperasi_status_aktivitas"), "koperasi", ["status_aktivitas"], unique=False
    )
    op.create_index(op.f("ix_koperasi_tahap"), "koperasi", ["tahap"], unique=False)

    op.create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("koperasi_id", sa.Integer(), nullable=True),
        sa.Column("max_uses", sa.Integer(), server_default="1", nullable=False),
        sa.Column("uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["person.id"],
            name=op.f("fk_invite_created_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["koperasi_id"],
            ["koperasi.id"],
            name=op.f("fk_invite_koperasi_id_koperasi"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invite_code_hash")),
    )
    op.create_index(op.f("ix_invite_koperasi_id"), "invite", ["koperasi_id"], unique=False)

    op.create_table(
        "kunjungan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("koperasi_id", sa.Integer(), nullable=False),
        sa.Column("petugas_id", sa.Integer(), nullable=True),
        sa.Column("current_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="draft", nullable=False),
        sa.Column("jenis", sa.String(length=32), nullable=True),
        sa.Column("poac", sa.String(length=8), nullable=True),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["koperasi_id"],
            ["koperasi.id"],
            name=op.f("fk_kunjungan_koperasi_id_koperasi"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["petugas_id"],
            ["person.id"],
            name=op.f("fk_kunjungan_petugas_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kunjungan")),
    )
    op.create_index(
        "ix_kunjungan_koperasi_id_visited_at",
        "kunjungan",
        ["koperasi_id", "visited_at"],
        unique=False,
    )
    op.create_index(
        "ix_kunjungan_petugas_id_visited_at",
        "kunjungan",
        ["petugas_id", "visited_at"],
        unique=False,
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), server_default="100", nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcast.id"],
            name=op.f("fk_outbox_broadcast_id_broadcast"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_outbox_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    op.create_index(
        "ix_outbox_broadcast_id_status", "outbox", ["broadcast_id", "status"], unique=False
    )
    op.create_index("ix_outbox_chat_id_status", "outbox", ["chat_id", "status"], unique=False)
    op.create_index(
        "ix_outbox_claim", "outbox", ["status", "priority", "not_before", "id"], unique=False
    )

    op.create_table(
        "rat_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("koperasi_id", sa.Integer(), nullable=False),
        sa.Column("tahun_buku", sa.Integer(), nullable=False),
        sa.Column("fiscal_year_end", sa.Date(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("report_deadline", sa.Date(), nullable=False),
        sa.Column("statutory_limit", sa.Date(), nullable=False),
        sa.Column("tidak_rat_date", sa.Date(), nullable=False),
        sa.Column("checklist_spec", sa.JSON(), nullable=False),
        sa.Column("tahap", sa.String(length=32), server_default="BELUM_MULAI", nullable=False),
        sa.Column(
            "flag_terlambat_target", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("flag_terlambat_lapor", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("flag_lewat_batas_uu", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("flag_tidak_rat", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("invitation_sent_date", sa.Date(), nullable=True),
        sa.Column("materials_sent_date", sa.Date(), nullable=True),
        sa.Column("held_date", sa.Date(), nullable=True),
        sa.Column("members_registered", sa.Integer(), nullable=True),
        sa.Column("members_present", sa.Integer(), nullable=True),
        sa.Column("quorum_rule", sa.String(length=32), nullable=True),
        sa.Column("quorum_reached", sa.Boolean(), nullable=True),
        sa.Column("lpj_accepted", sa.Boolean(), nullable=True),
        sa.Column("statements_approved", sa.Boolean(), nullable=True),
        sa.Column("rapb_adopted", sa.Boolean(), nullable=True),
        sa.Column("shu_decided", sa.Boolean(), nullable=True),
        sa.Column("elections_held", sa.Boolean(), nullable=True),
        sa.Column("minutes_uploaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_date", sa.Date(), nullable=True),
        sa.Column("ods_date", sa.Date(), nullable=True),
        sa.Column("ods_confirmed_by_person_id", sa.Integer(), nullable=True),
        sa.Column(
            "held_recorded_by_officer", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "held_verification", sa.String(length=16), server_default="none", nullable=False
        ),
        sa.Column("held_verified_by_person_id", sa.Integer(), nullable=True),
        sa.Column("held_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_return_note", sa.Text(), nullable=True),
        sa.Column(
            "reported_recorded_by_officer", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "reported_verification", sa.String(length=16), server_default="none", nullable=False
        ),
        sa.Column("reported_verified_by_person_id", sa.Integer(), nullable=True),
        sa.Column("reported_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_return_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["held_verified_by_person_id"],
            ["person.id"],
            name=op.f("fk_rat_cycle_held_verified_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["koperasi_id"],
            ["koperasi.id"],
            name=op.f("fk_rat_cycle_koperasi_id_koperasi"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ods_confirmed_by_person_id"],
            ["person.id"],
            name=op.f("fk_rat_cycle_ods_confirmed_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reported_verified_by_person_id"],
            ["person.id"],
            name=op.f("fk_rat_cycle_reported_verified_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rat_cycle")),
        sa.UniqueConstraint(
            "koperasi_id", "tahun_buku", name=op.f("uq_rat_cycle_koperasi_id_tahun_buku")
        ),
    )
    op.create_index(
        "ix_rat_cycle_tahun_buku_tahap", "rat_cycle", ["tahun_buku", "tahap"], unique=False
    )

    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("koperasi_id", sa.Integer(), nullable=True),
        sa.Column("jabatan", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("granted_by_person_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["granted_by_person_id"],
            ["person.id"],
            name=op.f("fk_role_grant_granted_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["koperasi_id"],
            ["koperasi.id"],
            name=op.f("fk_role_grant_koperasi_id_koperasi"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_role_grant_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grant")),
    )
    op.create_index(
        "ix_role_grant_koperasi_id_active", "role_grant", ["koperasi_id", "active"], unique=False
    )
    op.create_index(
        "ix_role_grant_person_id_active", "role_grant", ["person_id", "active"], unique=False
    )

    op.create_table(
        "thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("koperasi_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("assigned_person_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by_person_id", sa.Integer(), nullable=True),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_person_id"],
            ["person.id"],
            name=op.f("fk_thread_assigned_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_person_id"],
            ["person.id"],
            name=op.f("fk_thread_claimed_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["koperasi_id"],
            ["koperasi.id"],
            name=op.f("fk_thread_koperasi_id_koperasi"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread")),
    )
    op.create_index(
        "ix_thread_assigned_person_id_status",
        "thread",
        ["assigned_person_id", "status"],
        unique=False,
    )
    op.create_index(
        "ix_thread_koperasi_id_status", "thread", ["koperasi_id", "status"], unique=False
    )
    op.create_index(
        "ix_thread_status_waiting_since", "thread", ["status", "waiting_since"], unique=False
    )

    op.create_table(
        "checklist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rat_cycle_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="belum", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by_person_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_officer", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("verification", sa.String(length=16), server_default="none", nullable=False),
        sa.Column("verified_by_person_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["rat_cycle_id"],
            ["rat_cycle.id"],
            name=op.f("fk_checklist_entry_rat_cycle_id_rat_cycle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_person_id"],
            ["person.id"],
            name=op.f("fk_checklist_entry_updated_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_person_id"],
            ["person.id"],
            name=op.f("fk_checklist_entry_verified_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_entry")),
        sa.UniqueConstraint(
            "rat_cycle_id", "item_code", name=op.f("uq_checklist_entry_rat_cycle_id_item_code")
        ),
    )
    op.create_table(
        "cycle_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rat_cycle_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=16), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_by_person_id", sa.Integer(), nullable=True),
        sa.Column("on_behalf", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_person_id"],
            ["person.id"],
            name=op.f("fk_cycle_change_changed_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rat_cycle_id"],
            ["rat_cycle.id"],
            name=op.f("fk_cycle_change_rat_cycle_id_rat_cycle"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_change")),
    )
    op.create_index(
        "ix_cycle_change_rat_cycle_id_changed_at",
        "cycle_change",
        ["rat_cycle_id", "changed_at"],
        unique=False,
    )

    op.create_table(
        "invite_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invite_id"],
            ["invite.id"],
            name=op.f("fk_invite_use_invite_id_invite"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_invite_use_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_use")),
        sa.UniqueConstraint(
            "invite_id", "person_id", name=op.f("uq_invite_use_invite_id_person_id")
        ),
    )
    op.create_index(op.f("ix_invite_use_person_id"), "invite_use", ["person_id"], unique=False)

    op.create_table(
        "kunjungan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kunjungan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("jenis", sa.String(length=32), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        sa.Column("poac", sa.String(length=8), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["person.id"],
            name=op.f("fk_kunjungan_version_created_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["kunjungan_id"],
            ["kunjungan.id"],
            name=op.f("fk_kunjungan_version_kunjungan_id_kunjungan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kunjungan_version")),
        sa.UniqueConstraint(
            "kunjungan_id", "version", name=op.f("uq_kunjungan_version_kunjungan_id_version")
        ),
    )
    op.create_table(
        "relay_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_relay_session_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
            name=op.f("fk_relay_session_thread_id_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_session")),
    )
    op.create_index(
        "ix_relay_session_chat_id_ended_at", "relay_session", ["chat_id", "ended_at"], unique=False
    )

    op.create_table(
        "thread_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("from_person_id", sa.Integer(), nullable=True),
        sa.Column("from_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("from_message_id", sa.BigInteger(), nullable=False),
        sa.Column("to_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("to_message_id", sa.BigInteger(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_person_id"],
            ["person.id"],
            name=op.f("fk_thread_message_from_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_thread_message_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
            name=op.f("fk_thread_message_thread_id_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_message")),
    )
    op.create_index(
        "ix_thread_message_from_chat_id_from_message_id",
        "thread_message",
        ["from_chat_id", "from_message_id"],
        unique=False,
    )
    op.create_index(
        "ix_thread_message_thread_id_created_at",
        "thread_message",
        ["thread_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_thread_message_to_chat_id_to_message_id",
        "thread_message",
        ["to_chat_id", "to_message_id"],
        unique=False,
    )

    op.create_table(
        "tindak_lanjut",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("koperasi_id", sa.Integer(), nullable=False),
        sa.Column("kunjungan_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_person_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_reminded_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["person.id"],
            name=op.f("fk_tindak_lanjut_created_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["koperasi_id"],
            ["koperasi.id"],
            name=op.f("fk_tindak_lanjut_koperasi_id_koperasi"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kunjungan_id"],
            ["kunjungan.id"],
            name=op.f("fk_tindak_lanjut_kunjungan_id_kunjungan"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_person_id"],
            ["person.id"],
            name=op.f("fk_tindak_lanjut_owner_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tindak_lanjut")),
    )
    op.create_index("ix_tindak_lanjut_due_date", "tindak_lanjut", ["due_date"], unique=False)
    op.create_index(
        "ix_tindak_lanjut_koperasi_id_done_at",
        "tindak_lanjut",
        ["koperasi_id", "done_at"],
        unique=False,
    )
    op.create_index(
        "ix_tindak_lanjut_owner_person_id_due_date",
        "tindak_lanjut",
        ["owner_person_id", "due_date"],
        unique=False,
    )

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rat_cycle_id", sa.Integer(), nullable=True),
        sa.Column("item_code", sa.String(length=16), nullable=True),
        sa.Column("kunjungan_version_id", sa.Integer(), nullable=True),
        sa.Column("thread_message_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("telegram_file_id", sa.String(length=255), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=True),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("mime_type", sa.String(length=127), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["person.id"],
            name=op.f("fk_evidence_created_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["kunjungan_version_id"],
            ["kunjungan_version.id"],
            name=op.f("fk_evidence_kunjungan_version_id_kunjungan_version"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rat_cycle_id"],
            ["rat_cycle.id"],
            name=op.f("fk_evidence_rat_cycle_id_rat_cycle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_message_id"],
            ["thread_message.id"],
            name=op.f("fk_evidence_thread_message_id_thread_message"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(
        "ix_evidence_kunjungan_version_id", "evidence", ["kunjungan_version_id"], unique=False
    )
    op.create_index("ix_evidence_media_group_id", "evidence", ["media_group_id"], unique=False)
    op.create_index(
        "ix_evidence_rat_cycle_id_item_code",
        "evidence",
        ["rat_cycle_id", "item_code"],
        unique=False,
    )

    # Foreign keys closing a cycle (person <-> koperasi <-> rat_cycle). SQLite has no
    # ALTER ... ADD CONSTRAINT, so SQLAlchemy writes them inside CREATE TABLE there (SQLite
    # accepts a reference to a table created later); elsewhere they are added now.
    if op.get_context().dialect.supports_alter:
        op.create_foreign_key(
            op.f("fk_person_selected_koperasi_id_koperasi"),
            "person",
            "koperasi",
            ["selected_koperasi_id"],
            ["id"],
            ondelete="SET NULL",
        )
        op.create_foreign_key(
            op.f("fk_koperasi_current_rat_cycle_id_rat_cycle"),
            "koperasi",
            "rat_cycle",
            ["current_rat_cycle_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    if op.get_context().dialect.supports_alter:
        op.drop_constraint(
            op.f("fk_person_selected_koperasi_id_koperasi"), "person", type_="foreignkey"
        )
        op.drop_constraint(
            op.f("fk_koperasi_current_rat_cycle_id_rat_cycle"), "koperasi", type_="foreignkey"
        )
    op.drop_table("evidence")
    op.drop_table("tindak_lanjut")
    op.drop_table("thread_message")
    op.drop_table("relay_session")
    op.drop_table("kunjungan_version")
    op.drop_table("invite_use")
    op.drop_table("cycle_change")
    op.drop_table("checklist_entry")
    op.drop_table("thread")
    op.drop_table("role_grant")
    op.drop_table("rat_cycle")
    op.drop_table("outbox")
    op.drop_table("kunjungan")
    op.drop_table("invite")
    op.drop_table("koperasi")
    op.drop_table("join_request")
    op.drop_table("broadcast")
    op.drop_table("audit_log")
    op.drop_table("scheduler_run")
    op.drop_table("rollup_snapshot")
    op.drop_table("processed_update")
    op.drop_table("person")
    op.drop_table("leader_lease")
    op.drop_table("form_session")
