"""HTTP only: routers, request/response schemas, credentials, problem+json, pages, ETags."""
