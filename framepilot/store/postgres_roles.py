"""The PostgreSQL roles FramePilot runs as, set up by the owner on every start.

The URL in the settings names the owner of the tables (or a superuser): it migrates and
provisions, and is never used for the app's own queries. Two login roles of this database
do the work:

- `framepilot_app_<db>` acts for one user per transaction, under the row-level policies;
  who that user is comes from a signed, connection-bound claim (see policies.sql), so SQL
  running as it cannot name another user or turn into the system;
- `framepilot_system_<db>` does the system's own work and sees every row, but cannot touch
  the migrations table or the runtime secrets, and can only append to the audit log.

Neither role is a member of any other, so no `SET ROLE`/`RESET ROLE` leads from a pooled
connection back to the owner. Their passwords and the claim-signing key are random, made
once, and kept in `framepilot_runtime_secrets`, which only the owner reads.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import psycopg
from psycopg import sql as pgsql

ROLE_PREFIX = "framepilot"
_SIMPLE = re.compile(r"^[a-z0-9_]{1,32}$")


class RoleSetupError(RuntimeError):
    """The configured PostgreSQL role cannot set up the runtime roles; the message says what to do."""


@dataclass(frozen=True)
class RuntimeRoles:
    app: str
    app_password: str
    system: str
    system_password: str
    acting_key: bytes = b""

    def sign(self, user_id: int, backend_pid: int) -> str:
        """The `framepilot.acting` claim for `user_id` on the connection served by `backend_pid`
        (the same envelope MAC the database checks: sha256(k || sha256(k || message)))."""
        message = f"{user_id}:{backend_pid}".encode()
        inner = hashlib.sha256(self.acting_key + message).digest()
        return f"{user_id}:{hashlib.sha256(self.acting_key + inner).hexdigest()}"


def role_names(dbname: str) -> tuple[str, str]:
    """(app, system) role names for one database: roles are cluster-wide, so each database
    of a cluster gets its own pair."""
    tag = dbname.lower() if _SIMPLE.match(dbname.lower()) else hashlib.sha256(dbname.encode()).hexdigest()[:12]
    return f"{ROLE_PREFIX}_app_{tag}", f"{ROLE_PREFIX}_system_{tag}"


def _secret(conn: psycopg.Connection, name: str, make: str) -> str:
    conn.execute("INSERT INTO framepilot_runtime_secrets(name, value) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                 (name, make))
    return conn.execute("SELECT value FROM framepilot_runtime_secrets WHERE name = %s", (name,)).fetchone()[0]


def ensure_runtime_roles(conn: psycopg.Connection) -> RuntimeRoles:
    """Create (or re-assert) the two login roles and their table privileges. Runs inside the
    owner's migration transaction."""
    is_super, can_create_roles = conn.execute(
        "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()
    if not (is_super or can_create_roles):
        owner = conn.execute("SELECT current_user").fetchone()[0]
        raise RoleSetupError(
            f"The PostgreSQL role {owner} cannot create roles, and FramePilot never runs its queries as the "
            f"tables' owner. Grant it once (ALTER ROLE {owner} CREATEROLE) and start again.")
    dbname = conn.info.dbname
    app, system = role_names(dbname)
    roles = RuntimeRoles(app=app, app_password=_secret(conn, "app_password", secrets.token_hex(24)),
                         system=system, system_password=_secret(conn, "system_password", secrets.token_hex(24)),
                         acting_key=bytes.fromhex(_secret(conn, "acting_key", secrets.token_hex(32))))
    schema = pgsql.Identifier(conn.execute("SELECT current_schema()").fetchone()[0])
    for name, password in ((app, roles.app_password), (system, roles.system_password)):
        role = pgsql.Identifier(name)
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(pgsql.SQL("{} ROLE {} LOGIN PASSWORD {} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                               " NOINHERIT NOREPLICATION").format(pgsql.SQL(verb), role, pgsql.Literal(password)))
        # a member of nothing: no SET ROLE leads anywhere from its connections
        for (granted,) in conn.execute("SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
                                       " JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s", (name,)).fetchall():
            conn.execute(pgsql.SQL("REVOKE {} FROM {}").format(pgsql.Identifier(granted), role))
        if not conn.execute("SELECT has_database_privilege(%s, current_database(), 'CONNECT')", (name,)).fetchone()[0]:
            conn.execute(pgsql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(pgsql.Identifier(dbname), role))
        conn.execute(pgsql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, role))
        conn.execute(pgsql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, role))
        conn.execute(pgsql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, role))
    sys_role = pgsql.Identifier(system)
    conn.execute(pgsql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
        schema, sys_role))
    conn.execute(pgsql.SQL("REVOKE ALL ON schema_migrations, framepilot_runtime_secrets FROM {}").format(sys_role))
    conn.execute(pgsql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {}").format(sys_role))
    # the app role's table privileges are granted table by table in policies.sql
    conn.execute("SELECT set_config('framepilot.setup_app_role', %s, true)", (app,))
    conn.execute("SELECT set_config('framepilot.setup_system_role', %s, true)", (system,))
    return roles

