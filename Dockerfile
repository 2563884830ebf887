# The services' image. One image holds the five services (and the bank simulator, which ships in
# jishi-bank-gateway): they share every dependency, so one image is built, scanned and pulled once, and each
# Deployment picks its service with its command (`python -m claims serve`, `python -m audit migrate`...).
#
#   docker build -t jishi:$(git rev-parse --short HEAD) .
#   docker build --build-arg PACKAGES=jishi-claims -t jishi-claims .     # one service alone, if you prefer
#
# Everything comes from uv.lock (--frozen): what the tests ran with is what runs in production. No dev
# dependencies, no launcher (its embedded PostgreSQL and broker are for laptops and CI), no sources or tests
# in the final image: the workspace members are installed as wheels into /app/.venv, copied alone into a
# fresh slim base, and run as an unprivileged user on a read-only root filesystem.
#
# tests/deploy/test_image.py runs this file's install steps (COPY and RUN of the build stage) into a
# temporary folder and starts every service from what they installed, so the recipe cannot rot unseen.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

FROM ${PYTHON_IMAGE} AS build
COPY --from=uv /uv /usr/local/bin/uv
ARG PACKAGES="jishi-claims jishi-audit jishi-disbursement jishi-bank-gateway jishi-accounting jishi-console"
# Compiled bytecode: the root filesystem is read-only at run time, so nothing could be cached there later.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src

# The dependencies first, from the lock file and the members' pyproject.toml alone: this layer is rebuilt only
# when a dependency changes, not at every change of the code.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY services/claims/pyproject.toml services/claims/
COPY services/audit/pyproject.toml services/audit/
COPY services/disbursement/pyproject.toml services/disbursement/
COPY services/bank-gateway/pyproject.toml services/bank-gateway/
COPY services/accounting/pyproject.toml services/accounting/
COPY services/console/pyproject.toml services/console/
COPY launcher/pyproject.toml launcher/
RUN uv sync --frozen --no-dev --no-install-workspace $(printf -- '--package %s ' $PACKAGES)

# Then the code, installed as wheels (--no-editable): the final image needs nothing from /src.
COPY shared shared
COPY services services
RUN uv sync --frozen --no-dev --no-editable $(printf -- '--package %s ' $PACKAGES)

FROM ${PYTHON_IMAGE} AS runtime
# A fixed numeric id, so Kubernetes can check runAsNonRoot without resolving names.
RUN groupadd --system --gid 10001 jishi \
    && useradd --system --uid 10001 --gid jishi --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin jishi
# Owned by root and not writable by the service: the code cannot be changed by the process that runs it.
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    JISHI_HOST=0.0.0.0 \
    JISHI_SERVICE_MODULE=claims
WORKDIR /app
USER 10001:10001
EXPOSE 8001 8002 8003 8004 8005 8006 8007
# Each Deployment sets its own command; JISHI_SERVICE_MODULE picks the module for a plain `docker run`.
CMD ["sh", "-c", "exec python -m \"$JISHI_SERVICE_MODULE\" serve"]
