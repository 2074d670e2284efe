"""Settings from the environment (prefix URBANDIPLO_); an SQLite file by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="URBANDIPLO_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///urbandiplo.db",
        description="SQLAlchemy URL; an SQLite file in the working directory by default, "
        "postgresql://user@host/db for production.",
    )
    home_city: str = Field(default="Köln", description="Local official name of the home city.")
    home_country: str = Field(default="DE", description="ISO 3166-1 alpha-2 code of its country.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Website origins allowed to call the API from a browser, comma-separated.",
    )
    oidc_issuer: str | None = Field(
        default=None,
        description="Issuer (`iss`) of staff bearer tokens; tokens are refused while unset.",
    )
    oidc_audience: str | None = Field(
        default=None, description="The audience (`aud`) tokens must be issued for."
    )
    oidc_jwks_url: str | None = Field(
        default=None, description="Where the issuer publishes its signing keys (JWKS)."
    )
    oidc_jwks_file: Path | None = Field(
        default=None, description="The issuer's signing keys (JWKS) from a file instead."
    )
    oidc_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "ES256"],
        description="Signature algorithms accepted, comma-separated (asymmetric ones only).",
    )
    oidc_roles_claim: str = Field(
        default="roles",
        description="The claim (dotted path, e.g. realm_access.roles) listing the caller's "
        "roles: reader, editor, admin, contributor, and the confidential permission.",
    )
    oidc_organisation_claim: str = Field(
        default="organisation_id",
        description="The claim (dotted path) naming, for a contributor's token, the id of the "
        "organisation it acts for.",
    )
    oidc_role_values: dict[str, str] = Field(
        default_factory=dict,
        description="Claim values standing for reader, editor, admin, contributor and "
        "confidential, as JSON "
        'where they differ from those names, e.g. {"admin": "urbandiplo-admin"}.',
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="json: one JSON object per log line (time, level, logger, message, "
        "request_id, fields); text: plain lines for a terminal.",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted (413 above)."
    )
    max_attachment_bytes: int = Field(
        default=10_485_760,
        ge=1024,
        description="Largest document attached to a record (413 above).",
    )
    attachments_dir: Path = Field(
        default=Path("attachments"),
        description="Directory the attachments' files are kept in, `attachments` in the "
        "working directory by default (created on start); back it up with the database.",
    )
    max_import_bytes: int = Field(
        default=20_971_520,
        ge=1024,
        description="Largest CSV file accepted by /v1/imports (413 above); larger lists go "
        "through `urbandiplo import`.",
    )
    db_pool_size: int = Field(default=5, ge=1, le=100)
    response_cache_mb: int = Field(
        default=32,
        ge=0,
        le=4096,
        description="Memory per process for anonymous responses of the public lists, the "
        "calendar and the map, each checked against the newest change on every request "
        "(0: none).",
    )
    rate_limit_contributor_writes: int = Field(
        default=60,
        ge=0,
        description="Writes a contributor's organisation may make per window, all its "
        "credentials together (0: not limited).",
    )
    rate_limit_feeds: int = Field(
        default=120,
        ge=0,
        description="Anonymous requests for the feeds (calendar, calls, news, change feed) "
        "per client address and window (0: not limited).",
    )
    rate_limit_window_seconds: int = Field(
        default=60, ge=1, le=86400, description="The length of a rate-limit window."
    )
    threads: int = Field(
        default=4, ge=1, le=64, description="Worker threads per process for database calls."
    )

    @field_validator("cors_origins", "oidc_algorithms", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value
