# Suara: one image for the web process and its worker (`suara serve` starts both).
# Build: docker build -t suara .   Run: docker compose up -d (see docs/deploy.md)

# --- build: the wheel, with its compiled catalogs (setup.py) ---------------------------------
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir --disable-pip-version-check --quiet --upgrade pip \
 && pip wheel --no-cache-dir --disable-pip-version-check --no-deps --wheel-dir /wheels .

# --- run: the package installed from that wheel, nothing of the sources ----------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/suara/bin:$PATH \
    SUARA_DATA_DIR=/var/lib/suara
RUN groupadd --system --gid 10001 suara \
 && useradd --system --uid 10001 --gid suara --home-dir /var/lib/suara --shell /usr/sbin/nologin suara \
 && install -d -o suara -g suara -m 0700 /var/lib/suara \
 && install -d -o root -g suara -m 0750 /etc/suara
COPY --from=build /wheels /tmp/wheels
RUN python -m venv /opt/suara \
 && /opt/suara/bin/pip install --no-cache-dir --disable-pip-version-check --quiet /tmp/wheels/*.whl \
 && rm -rf /tmp/wheels
USER suara
WORKDIR /var/lib/suara
VOLUME ["/var/lib/suara"]
EXPOSE 8000
# The default config files are packaged; to change one, mount a folder on /etc/suara and point
# ESCALATION_OFFICES_FILE or HELP_CONTACTS_FILE at the file in it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["suara", "serve", "--host", "0.0.0.0", "--port", "8000"]
