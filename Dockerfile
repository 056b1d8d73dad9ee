# syntax=docker/dockerfile:1
# Hub Diary's image: one image for the web nodes (the default command), the Celery workers
# and beat (compose.yaml runs all three). Build it with `make image`.

# 1. The assets: the NHS.UK design system compiled with our settings, htmx, our scripts.
FROM node:22-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-assets.mjs scripts/
COPY assets/ assets/
RUN npm run --silent build

# 2. The Python dependencies: every locked package as a wheel, each checked against its
# hash in requirements.lock; then a virtualenv of the runtime ones only (pyproject's
# dependencies, not the dev extra), installed from those wheels and nothing else.
FROM python:3.11-slim AS python
WORKDIR /src
COPY requirements.lock pyproject.toml ./
RUN pip wheel --no-cache-dir --no-deps --require-hashes -r requirements.lock -w /wheels \
    && python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > runtime.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /wheels -r runtime.txt

# 3. What runs: the code, the built assets and the virtualenv, as a user that owns none of
# it.
FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HUBDIARY_ENV=production \
    WEB_CONCURRENCY=3
RUN groupadd --system --gid 10001 hubdiary \
    && useradd --system --uid 10001 --gid hubdiary --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin hubdiary
WORKDIR /app
COPY --from=python /opt/venv /opt/venv
COPY . .
COPY --from=assets /src/static/dist static/dist
# Static files collected (hashed names, compressed) into the image, served by whitenoise.
# The settings demand production values that collectstatic never uses: these are
# placeholders for this one command, not defaults.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build.invalid SITE_URL=https://build.invalid \
    DATABASE_URL=postgres://build.invalid/none CELERY_BROKER_URL=redis://build.invalid \
    CACHE_URL=redis://build.invalid python manage.py collectstatic --noinput -v0
USER hubdiary
EXPOSE 8000
# SIGTERM (Docker's default, said here so nobody changes it unknowingly) is a graceful stop
# for both commands: gunicorn stops accepting, lets requests in flight finish for up to its
# --graceful-timeout, then exits; a Celery worker takes it as a warm shutdown, finishing
# the tasks it is running and taking no more (acks_late: a task it never finished goes
# back to the broker). Give containers a stop grace period longer than either.
STOPSIGNAL SIGTERM
# Liveness: the web node answers /healthz. Readiness is /readyz (compose.yaml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "config.probe", "/healthz"]
# Workers from WEB_CONCURRENCY; --graceful-timeout inside the 45 s stop grace period.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--graceful-timeout", "30", \
     "--timeout", "60", "--access-logfile", "-"]
