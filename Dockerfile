# The API image: the same uv.lock and the same `diplograph` commands as the README.
FROM python:3.11-slim

ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    PATH="/app/.venv/bin:${PATH}" \
    DIPLOGRAPH_HOST=0.0.0.0 \
    DIPLOGRAPH_PORT=8000

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

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
CMD ["diplograph", "serve"]
