# Production image: the urbandiplo wheel on python:3.11-slim, run as a non-root user,
# PostgreSQL by URL. Build: docker build -t urbandiplo .
# Migrate once per release:  docker run --rm -e URBANDIPLO_DATABASE_URL=... urbandiplo urbandiplo db upgrade
# Serve:                     docker run -p 8000:8000 -e URBANDIPLO_DATABASE_URL=... urbandiplo

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    URBANDIPLO_LOG_LEVEL=INFO
# Fixed numeric ids: USER by number lets Kubernetes' runAsNonRoot see that it is not root.
RUN groupadd --system --gid 10001 urbandiplo \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /app urbandiplo
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER 10001:10001
WORKDIR /app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
# URBANDIPLO_DATABASE_URL must point at PostgreSQL (postgresql://user:password@host/db);
# without it the service would use an SQLite file inside the container.
CMD ["urbandiplo", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
