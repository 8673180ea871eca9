# The EGTS platform's image: one image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (synthesis and practice-sheet PDFs) needs Pango and HarfBuzz; DejaVu
# gives it fonts with every French character.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes reuse this layer. The runtime dependencies of
# pyproject.toml, pinned to the exact versions of requirements.lock (the lock also
# holds the test tools, which production does not need).
COPY pyproject.toml requirements.lock ./
RUN pip install --constraint requirements.lock . && rm -rf build ./*.egg-info

COPY . .

# Static files are collected at build time, with production settings and a throwaway
# key: the real SECRET_KEY only exists at run time.
RUN DEBUG=off \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput -v0

# Run as an unprivileged user; only uploaded files are writable.
RUN useradd --create-home --uid 10001 egts \
    && mkdir -p /app/media \
    && chown egts:egts /app/media
USER egts

EXPOSE 8000
CMD ["sh", "-c", "exec gunicorn egts.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --worker-class gthread --threads ${WEB_THREADS:-4} --access-logfile -"]
