"""Repositories for API keys, stored idempotent responses and rate counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.models import ApiKeyRow, IdempotencyKeyRow, RateCounterRow, table_of
from urbandiplo.domain.access import Role
from urbandiplo.domain.idempotency import IdempotencyKeyInUse
from urbandiplo.domain.keys import CONTRIBUTOR
from urbandiplo.domain.ports import StoredApiKey, StoredResponse

api_keys = table_of(ApiKeyRow)
idempotency_keys = table_of(IdempotencyKeyRow)
rate_counters = table_of(RateCounterRow)


class SqlApiKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def by_prefix(self, prefix: str) -> StoredApiKey | None:
        row = self._connection.execute(select(api_keys).where(api_keys.c.prefix == prefix)).first()
        if row is None:
            return None
        return StoredApiKey(
            id=row.id,
            name=row.name,
            role=None if row.role == CONTRIBUTOR else Role(row.role),
            prefix=row.prefix,
            secret_hash=row.secret_hash,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
            organisation_id=row.organisation_id,
        )

    def add(self, key: StoredApiKey) -> None:
        self._connection.execute(
            insert(api_keys).values(
                id=key.id,
                name=key.name,
                role=key.role.value if key.role is not None else CONTRIBUTOR,
                organisation_id=key.organisation_id,
                prefix=key.prefix,
                secret_hash=key.secret_hash,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )


class SqlIdempotencyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, principal: str, key: str, not_before: datetime) -> StoredResponse | None:
        row = self._connection.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.principal == principal,
                idempotency_keys.c.key == key,
                idempotency_keys.c.created_at >= not_before,
            )
        ).first()
        if row is None:
            return None
        return StoredResponse(
            key=row.key,
            principal=row.principal,
            request_hash=row.request_hash,
            status_code=row.status_code,
            headers=dict(row.headers),
            body=bytes(row.body),
            created_at=row.created_at,
        )

    def add(self, response: StoredResponse) -> None:
        # A concurrent request with the same key fails here, on the primary key.
        try:
            self._connection.execute(
                insert(idempotency_keys).values(
                    principal=response.principal,
                    key=response.key,
                    request_hash=response.request_hash,
                    status_code=response.status_code,
                    headers=response.headers,
                    body=response.body,
                    created_at=response.created_at,
                )
            )
        except IntegrityError as error:
            raise IdempotencyKeyInUse() from error

    def forget(self, text: str) -> int:
        # Kept responses live a day, so there are few; bodies are bytes, searched here.
        needle = text.encode()
        rows = self._connection.execute(
            select(idempotency_keys.c.principal, idempotency_keys.c.key, idempotency_keys.c.body)
        ).all()
        mentioning = [(r.principal, r.key) for r in rows if needle in bytes(r.body)]
        for principal, key in mentioning:
            self._connection.execute(
                delete(idempotency_keys).where(
                    idempotency_keys.c.principal == principal, idempotency_keys.c.key == key
                )
            )
        return len(mentioning)

    def purge(self, before: datetime) -> int:
        result = self._connection.execute(
            delete(idempotency_keys).where(idempotency_keys.c.created_at < before)
        )
        return result.rowcount


class SqlRateCounterRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def hit(self, bucket: str, window_start: int) -> int:
        # One statement, atomic on both databases: concurrent requests of every worker add
        # to the same row (INSERT ... ON CONFLICT DO UPDATE ... RETURNING).
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(rate_counters).values(
            bucket=bucket, window_start=window_start, hits=1
        )
        statement = statement.on_conflict_do_update(
            index_elements=[rate_counters.c.bucket, rate_counters.c.window_start],
            set_={"hits": rate_counters.c.hits + 1},
        ).returning(rate_counters.c.hits)
        return int(self._connection.execute(statement).scalar_one())

    def forget_before(self, window_start: int) -> int:
        result = self._connection.execute(
            delete(rate_counters).where(rate_counters.c.window_start < window_start)
        )
        return result.rowcount
