# The API image: the same uv.lock and the same `diplograph` commands as the README.
#
# Base image pinned by version and by digest (the multi-platform index of
# python:3.11.16-slim-bookworm), so that a rebuild gets the same bytes; bump both together.
# Digest source: docker-library/repo-info, repos/python/remote/3.11.16-slim-bookworm.md
# (commit 422f3cfe488dc9ae394c5058b27db617f72c91db), the Docker Official Images' published record.
FROM python:3.11.16-slim-bookworm@sha256:c425d915a89a6dcd3183b1797ad9bd8878caff5a417f6371c8df93c8ea8b727f

# The server runs as an unprivileged user that owns nothing: code and virtualenv stay root's,
# read-only to it (bytecode is compiled at build time, so nothing is written at run time).
RUN groupadd --system --gid 10001 diplograph \
 && useradd --system --no-log-init --uid 10001 --gid 10001 --no-create-home \
      --shell /usr/sbin/nologin diplograph

ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/app/.venv/bin:${PATH}"

WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.8

# Dependencies first, so that code changes do not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project

COPY store ./store
COPY schema ./schema
COPY seeds ./seeds
COPY api ./api
RUN uv sync --locked --no-dev

# The data folder: where the embedded store saves accepted writes (and `diplograph export` may
# write), the one place the server writes to, so the one place its user owns. Mount a volume on it.
ENV DIPLOGRAPH_DATA_DIR=/var/lib/diplograph
RUN mkdir -p /var/lib/diplograph && chown 10001:10001 /var/lib/diplograph

# Numeric, so that a runtime can tell it is not root (Kubernetes' runAsNonRoot) without /etc/passwd.
USER 10001:10001

EXPOSE 8000
# Ready means the database answers (503 otherwise), not merely that the process is up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
# Address and port as flags: inside a container the server must listen on every interface.
CMD ["diplograph", "serve", "--host", "0.0.0.0", "--port", "8000"]
